// Kept for code written against the SQLite-only layer: the SQL layer is store/sql.h now.
#pragma once
#include "store/sql.h"
