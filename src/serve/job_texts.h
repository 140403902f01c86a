// The texts the server writes into a scan job's `error` (why it failed, or the note of a job requeued when the
// server stopped): catalog entries serve.job_error.* (data/i18n), stored in English, shown over the API in the
// request's language. A stored text that reads as one of the English entries is written again in the other
// language with the same values; any other text (a sensor's own reason) is shown as stored. Values are kept as
// they were stored (a failed scan's last line of messages stays in the scan's language).
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

#include "i18n/catalog.h"

namespace anshin::serve {

// The English text of serve.job_error.ID with its values, as stored.
std::string job_text(std::string_view id, std::initializer_list<i18n::Arg> args = {});
// `stored` in `lang` when it is one of the server's job texts; otherwise unchanged.
std::string localize_job_text(const std::string& stored, const std::string& lang);

}  // namespace anshin::serve
