// Target expression syntax (no I/O): what one TARGET argument or one line of an @FILE means.
#pragma once
#include <string>
#include <string_view>

#include "core/result.h"
#include "targets/intervals.h"

namespace anshin::targets {

enum class TargetKind {
  kAddress,   // 10.0.0.7, fe80::1
  kCidr,      // 10.1.0.0/16, fd00::/120 (host bits are cleared: 10.1.2.3/16 means 10.1.0.0/16)
  kRange,     // 10.1.2.3-10.1.2.99, 10.1.2.3-99 (last octet), fd00::1-fd00::ff
  kHostName,  // cam-01.example.lan: resolved later (forward lookup only)
  kFile,      // @FILE: one target per line, read later
};

struct TargetExpr {
  TargetKind kind = TargetKind::kAddress;
  AddrSpan span;      // for kAddress, kCidr, kRange
  std::string text;   // normalised: "10.1.0.0/16", "10.1.2.3-10.1.2.99", "cam-01.example.lan", file path
};

// Parses one target expression (surrounding spaces are trimmed). Errors are Errc::kInvalidInput with a
// message naming the text and the problem, e.g.
//   invalid target "10.0.0.300": not an IPv4 address
//   invalid target "10.0.0.0/33": prefix /33 is out of range for IPv4 (0-32)
//   invalid target "10.0.0.9-10.0.0.1": range is reversed (10.0.0.1 is before 10.0.0.9)
// Text made of digits and dots is always meant as IPv4, text with ':' as IPv6; anything else that is a
// valid DNS name (letters, digits, '-', '_', '.'; labels of 1-63 bytes; at most 253 bytes) is a host name.
Result<TargetExpr> parse_target(std::string_view text);

}  // namespace anshin::targets
