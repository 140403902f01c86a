// Internal to the store module: the lossless JSON encoding of the JSON columns (evidence, services,
// findings, conflicts, targets). This is a storage format, not the report format (report/json.h):
// it keeps every byte. A string that is clean UTF-8 (no NUL, valid) is a JSON string; anything
// else is {"hex": "<lower-case hex of the bytes>"}.
#pragma once
#include <string>
#include <vector>

#include "core/result.h"
#include "model/device.h"
#include "model/observation.h"

namespace anshin::store::codec {

std::string encode_strings(const std::vector<std::string>& v);
std::string encode_evidence(const std::vector<Evidence>& v);
std::string encode_services(const std::vector<ServiceSummary>& v);
std::string encode_findings(const std::vector<Finding>& v);
// What the probes saw of one host (for `anshin reassess`), bounded: at most kMaxRecordServices services,
// kMaxRecordObservations observations per service, values cut at kMaxObservationBytes, and no more than
// kMaxRecordValueBytes of values in all (later observations are dropped); what is dropped is counted in
// "dropped". Probe errors are not kept (only their status).
inline constexpr size_t kMaxRecordServices = 64;
inline constexpr size_t kMaxRecordObservations = 128;
inline constexpr size_t kMaxObservationBytes = 4096;
inline constexpr size_t kMaxRecordValueBytes = 64 * 1024;
std::string encode_host_record(const HostRecord& host);

// One device as a single JSON object, lossless (every field the inventory keeps, device bytes as above):
// what a sensor uploads (serve/sensor_api.h).
std::string encode_device(const Device& device);

// Each returns kProtocol ("corrupt inventory row") on malformed input.
Result<std::vector<std::string>> decode_strings(const std::string& json);
Result<std::vector<Evidence>> decode_evidence(const std::string& json);
Result<std::vector<ServiceSummary>> decode_services(const std::string& json);
Result<std::vector<Finding>> decode_findings(const std::string& json);
Result<HostRecord> decode_host_record(const std::string& json);
Result<Device> decode_device(const std::string& json);

}  // namespace anshin::store::codec
