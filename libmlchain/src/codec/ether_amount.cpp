#include "mlchain/codec/ether_amount.hpp"

#include <algorithm>
#include <cctype>

namespace mlchain::codec {
namespace {

constexpr std::size_t ether_decimals = 18;
constexpr std::size_t gwei_decimals = 9;

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

Error not_an_amount(std::string_view text, std::string_view why) {
  return make_error(ErrorKind::invalid_argument, "'" + std::string(text) + "' is not an amount (" + std::string(why) +
                                                     "): a whole number of wei, or a decimal with ether or gwei, "
                                                     "e.g. 1000, 0.01ether, 5gwei");
}

}  // namespace

Result<U256> parse_ether_amount(std::string_view text) {
  std::string_view number = text;
  std::size_t decimals = 0;
  if (number.ends_with("ether")) {
    number.remove_suffix(5);
    decimals = ether_decimals;
  } else if (number.ends_with("gwei")) {
    number.remove_suffix(4);
    decimals = gwei_decimals;
  }
  const auto point = number.find('.');
  const std::string_view whole = number.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : number.substr(point + 1);
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction)))
    return not_an_amount(text, "not a number");
  if (fraction.size() > decimals) return not_an_amount(text, decimals == 0 ? "wei are whole" : "finer than one wei");
  std::string digits = std::string(whole) + std::string(fraction) + std::string(decimals - fraction.size(), '0');
  const auto first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "0" : digits.substr(first);
  auto wei = U256::parse_decimal(digits);
  if (!wei) return not_an_amount(text, "beyond 2^256 - 1 wei");
  return *wei;
}

std::string format_ether(const U256& wei) {
  std::string digits = wei.to_decimal();
  if (digits.size() <= ether_decimals) digits.insert(0, ether_decimals + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - ether_decimals);
  std::string fraction = digits.substr(digits.size() - ether_decimals);
  fraction.erase(fraction.find_last_not_of('0') + 1);
  return fraction.empty() ? whole : whole + "." + fraction;
}

}  // namespace mlchain::codec
