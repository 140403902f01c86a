#include "serve/store_users.h"

#include "store/serve_tables.h"

namespace anshin::serve {

namespace {

Result<User> from_row(const store::ServeUser& row) {
  auto role = parse_role(row.role);
  if (!role) return Error{Errc::kProtocol, "user " + row.name + " has an unknown role"};
  return User{row.name, *role, row.password_hash};
}

}  // namespace

Result<std::optional<User>> StoreUsers::find_user(const std::string& name) {
  auto row = store::ServeTables::find_user(store_, name);
  if (!row) return row.error();
  if (!*row) return std::optional<User>();
  auto user = from_row(**row);
  if (!user) return user.error();
  return std::optional<User>(std::move(*user));
}

Result<std::vector<User>> StoreUsers::list_users() {
  auto rows = store::ServeTables::list_users(store_);
  if (!rows) return rows.error();
  std::vector<User> out;
  for (const auto& row : *rows) {
    auto user = from_row(row);
    if (!user) return user.error();
    out.push_back(std::move(*user));
  }
  return out;
}

Result<void> StoreUsers::put_user(const User& user) {
  return store::ServeTables::put_user(store_, {user.name, role_name(user.role), user.password_hash});
}

Result<bool> StoreUsers::remove_user(const std::string& name) { return store::ServeTables::remove_user(store_, name); }

Result<void> StoreUsers::append_audit(const AuditEntry& e) {
  return store::ServeTables::append_audit(store_, {e.at, e.user, e.action, e.detail, e.peer});
}

Result<std::vector<AuditEntry>> StoreUsers::audit_log(size_t newest) {
  auto rows = store::ServeTables::audit_log(store_, newest);
  if (!rows) return rows.error();
  std::vector<AuditEntry> out;
  for (auto& r : *rows) out.push_back({r.at, r.user, r.action, r.detail, r.peer});
  return out;
}

}  // namespace anshin::serve
