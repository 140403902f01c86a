// The UserDirectory kept in the inventory (store/serve_tables.h: serve_users, serve_audit).
#pragma once
#include "serve/auth.h"
#include "store/store.h"

namespace anshin::serve {

class StoreUsers : public UserDirectory {
 public:
  explicit StoreUsers(store::Store& store) : store_(store) {}
  Result<std::optional<User>> find_user(const std::string& name) override;
  Result<std::vector<User>> list_users() override;
  Result<void> put_user(const User& user) override;
  Result<bool> remove_user(const std::string& name) override;
  Result<void> append_audit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> audit_log(size_t newest) override;

 private:
  store::Store& store_;
};

}  // namespace anshin::serve
