// verdict: everything a host revealed -> one Device (who made it, the brand on the box, model,
// firmware, serial, category, confidence, the evidence for each conclusion, and one line per service).
// Pure and deterministic: no I/O, no clock, no globals; the same HostRecord and knowledge base always
// give the same Device. Never throws. Vendor facts come only from the knowledge base (docs/verdict.md).
//
// Design note (the rules; docs/verdict.md has the long form and examples):
//  1. Observations: every ServiceRecord's observations (at most kMaxObservations), plus a synthesized
//     `tcp.open` = port for each open TCP port, plus `mac.address` when host.mac is set and, for a
//     globally administered MAC whose prefix the KB's OUI table knows, `mac.oui` = the IEEE
//     organisation (the vendor's display name when the table has no organisation string). Locally
//     administered (often randomised) MACs carry no vendor. Every observation goes through kb.match().
//  2. Manufacturer: each vendor named by `hw.vendor` (tells that survive relabelling) is scored by
//     noisy-OR over its matches, 1 - prod(1 - w), each rule counted once (its highest weight). The
//     best score wins (ties: vendor id). Brand: the same over `hw.brand`.
//       - brand evidence only: the manufacturer follows the brand's oem_of chain when the chain is S or M
//         (an evidence entry "kb.oem_of" cites the edge and its sources; confidence = brand score x 0.95
//         for S, x 0.8 for M); else the brand itself when its vocabulary kind is "manufacturer"; else null.
//       - manufacturer evidence only: brand = manufacturer (null when the maker is white_label).
//       - supporting-only tells (open ports) count only for a vendor a non-supporting match names at the
//         same level; alone they imply nothing.
//       - a brand on the manufacturer's oem chain is a consistent relabel (cited with a kb.oem_of entry);
//         when both the manufacturer's own name and a relabel brand are seen at brand level, the relabel
//         wins (firmware leaks the OEM's name, only a relabeller writes its own).
//       - a brand unrelated to the manufacturer, or a second unrelated manufacturer scoring >= 0.5, is a
//         conflict: both are kept, confidence is lowered (x (1 - score/2) of the other side) and
//         verdict.conflicts gets a note. Conflicting evidence is shown, never dropped.
//  3. Model, firmware, serial: from `hw.model` / `hw.firmware` / `hw.serial`; the highest weight wins
//     (ties: the longer, then the first seen), trimmed, otherwise exactly as reported. Another value
//     that differs beyond case, whitespace or one being a prefix/suffix of the other is a conflict note.
//  4. Category: noisy-OR over `hw.device`. "other" (software products, printers...) only wins when it
//     outweighs the manufacturer verdict; with vendor evidence and no category -> "unknown"; with no
//     vendor evidence and no category -> "other" (answered, not surveillance equipment).
//  5. Confidence: the manufacturer's score, reduced by conflicts; 0 without a manufacturer.
//  6. Evidence: one entry per contributing match (source = observation key, port, value, implies =
//     {manufacturer|brand|model|firmware|serial|category|product: display value}, rule = rule id),
//     strongest first, at most kMaxEvidence.
//  7. Services: one ServiceSummary per open TCP port and per UDP service that answered; protocol from a
//     probe that identified it (else "unknown"), tls when any probe saw TLS there, product from the
//     strongest `service.product` match on that port (+ " " + `service.version` when present).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kb/kb.h"
#include "model/device.h"
#include "model/observation.h"

namespace anshin::verdict {

inline constexpr size_t kMaxObservations = 4096;  // per host; the rest is ignored
inline constexpr size_t kMaxEvidence = 64;          // per device
inline constexpr double kSubstantial = 0.5;         // a second manufacturer at or above this conflicts

// Everything a host revealed -> one Device (address, mac, verdict, services). Pure, deterministic.
Device decide(const HostRecord& host, const kb::KnowledgeBase& kb);

// ---- building blocks (exposed for tests) ----
// 1 - prod(1 - w), each w clamped to 0..1.
double noisy_or(const std::vector<double>& weights);
// True when two reported values name the same thing: equal ignoring case and whitespace, or one is a
// prefix or suffix of the other ("DS-2CD2043G0-I" vs "HIKVISION DS-2CD2043G0-I", "V5.5.0" vs
// "V5.5.0 build 170725").
bool same_reported_value(std::string_view a, std::string_view b);
// The observations decide() feeds to the knowledge base, in order (capped, synthesized ones included).
std::vector<Observation> collect_observations(const HostRecord& host, const kb::KnowledgeBase& kb);

}  // namespace anshin::verdict
