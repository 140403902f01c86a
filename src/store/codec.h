// Internal to the store module: the lossless JSON encoding of the JSON columns (evidence, services,
// findings, conflicts, targets). This is a storage format, not the report format (report/json.h):
// it keeps every byte. A string that is clean UTF-8 (no NUL, valid) is a JSON string; anything
// else is {"hex": "<lower-case hex of the bytes>"}.
#pragma once
#include <string>
#include <vector>

#include "core/result.h"
#include "model/device.h"

namespace anshin::store::codec {

std::string encode_strings(const std::vector<std::string>& v);
std::string encode_evidence(const std::vector<Evidence>& v);
std::string encode_services(const std::vector<ServiceSummary>& v);
std::string encode_findings(const std::vector<Finding>& v);

// Each returns kProtocol ("corrupt inventory row") on malformed input.
Result<std::vector<std::string>> decode_strings(const std::string& json);
Result<std::vector<Evidence>> decode_evidence(const std::string& json);
Result<std::vector<ServiceSummary>> decode_services(const std::string& json);
Result<std::vector<Finding>> decode_findings(const std::string& json);

}  // namespace anshin::store::codec
