// What `mlchain watch` reads back or takes from others: its cursor file, the events kept in it, the logs a
// node serves, and the metrics an evaluation command prints. Whatever the strict readers accept is written
// again to the same text; nothing crashes them. The first byte picks the reader.

#include <string>
#include <string_view>
#include <vector>

#include "mlchain/watch/cursor.hpp"
#include "mlchain/watch/evaluator.hpp"
#include "mlchain/watch/event.hpp"
#include "round_trip.hpp"

using namespace mlchain;

namespace {

// A log of the registry or of a governance: the second byte picks the contract and the topic count (0 to
// 4), then 32 bytes per topic, then the data.
void interpret(std::span<const std::uint8_t> in) {
  if (in.empty()) return;
  const bool from_registry = (in[0] & 0x80) != 0;
  const std::size_t topics = in[0] % 5;
  in = in.subspan(1);
  eth::Log log;
  log.address = codec::Address{};
  if (!from_registry) log.address.bytes[19] = 1;
  for (std::size_t i = 0; i < topics && in.size() >= 32; ++i) {
    eth::Hash topic{};
    std::copy_n(in.begin(), 32, topic.begin());
    log.topics.push_back(topic);
    in = in.subspan(32);
  }
  log.data.assign(in.begin(), in.end());
  const watch::WatchTarget target{31337, codec::Address{}, "model"};
  const auto meaning = watch::interpret_log(log, target);
  if (!meaning) return;
  if (const auto* event = std::get_if<watch::WatchEvent>(&*meaning)) {
    const auto again = watch::event_from_json(event->json);
    fuzz::require(again.ok(), "a delivered event reads back");
    fuzz::require(again->json == event->json, "a delivered event reads back to the same JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const auto in = fuzz::input(data + 1, size - 1);
  const std::string_view text(reinterpret_cast<const char*>(in.data()), in.size());
  switch (data[0] % 4) {
    case 0:
      if (const auto cursor = watch::parse_cursor(text)) {
        const std::string written = watch::cursor_text(*cursor);
        const auto again = watch::parse_cursor(written);
        fuzz::require(again.ok(), "a cursor written reads back");
        fuzz::require(watch::cursor_text(*again) == written, "a cursor reads back to the same text");
      }
      break;
    case 1:
      if (const auto event = watch::event_from_json(text)) {
        const auto again = watch::event_from_json(event->json);
        fuzz::require(again.ok() && again->json == event->json, "an event reads back to the same JSON");
      }
      break;
    case 2:
      interpret(in);
      break;
    case 3:
      (void)watch::parse_metrics_object(text);
      break;
  }
  return 0;
}
