// Dahua HTTP replies: magicBox CGI (as read by https://github.com/tchellomello/python-amcrest,
// src/amcrest/system.py) and the RPC2_Login challenge (https://github.com/ItsNotGoodName/dahua-rpc).
//
// magicBox.cgi: `key=value` lines separated by CRLF or LF, e.g. `type=IPC-HDW1230S`,
//   `version=2.800.0000000.16.R,build:2020-10-19`, `deviceType=DH-XVR5116HS-I3`,
//   `serialNumber=7K03A1BPAZ1E2F3`. A failed call answers "Error ..." / "invalid ...".
// RPC2_Login first step: {"error":{"code":268632079,"message":".."},"id":1,"params":{"encryption":
//   "Default","random":"..","realm":"Login to <serial>"},"result":false,"session":".."}
// Limits: 64 KiB body, 256 key=value lines, JSON depth 16.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace anshin::codec::dahua {

struct KeyValues {
  std::vector<std::pair<std::string, std::string>> items;  // in order; keys trimmed
  std::string get(std::string_view key) const;             // first value of key (exact match), "" if absent
};
// Errc::kProtocol when the body is too large or holds no key=value line (e.g. "Error\r\nBad Request!").
Result<KeyValues> parse_key_values(std::string_view body);

struct SoftwareVersion {
  std::string version;  // "2.800.0000000.16.R"
  std::string build;    // "2020-10-19" (from ",build:..." / " build:..."), may be empty
};
SoftwareVersion split_software_version(std::string_view value);

struct MagicBoxInfo {
  std::string device_type;       // type= or deviceType=
  std::string software_version;  // version= (without build)
  std::string build_date;        // build: part of version=
  std::string serial_number;     // serialNumber= or sn=
  std::string vendor, machine_name, hardware_version, device_class, processor;
};
MagicBoxInfo magicbox_info(const KeyValues& kv);

struct Rpc2LoginReply {
  std::optional<int64_t> id;
  std::optional<bool> result;
  std::string session;  // string or number in the reply, as text
  std::string realm, random, encryption;
  std::optional<int64_t> error_code;
  std::string error_message;
};
Result<Rpc2LoginReply> parse_rpc2_login(std::string_view body);

// First step (no password): {"method":"global.login","params":{"userName":..,"password":"",
// "clientType":"Web3.0","loginType":"Direct"},"id":N}
std::string build_rpc2_login_first(std::string_view user = "admin", int id = 1);

}  // namespace anshin::codec::dahua
