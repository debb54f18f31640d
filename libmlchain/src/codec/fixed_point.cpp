#include "mlchain/codec/fixed_point.hpp"

#include <algorithm>

namespace mlchain::codec {
namespace {

Error bad_decimal(std::string_view what, std::string_view text) {
  constexpr std::size_t shown = 80;
  std::string quoted(text.substr(0, shown));
  if (text.size() > shown) quoted += "…";
  return make_error(ErrorKind::invalid_input, std::string(what) + ": \"" + quoted + "\"");
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<I256> parse_fixed18(std::string_view text) {
  const bool negative = text.starts_with('-');
  const std::string_view unsigned_part = negative ? text.substr(1) : text;
  const auto point = unsigned_part.find('.');
  const std::string_view whole = unsigned_part.substr(0, point);
  const std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : unsigned_part.substr(point + 1);
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (point != std::string_view::npos && fraction.empty())) {
    return bad_decimal("not a plain decimal number (digits, optionally '.' and digits)", text);
  }
  if (whole.size() > 1 && whole[0] == '0') return bad_decimal("decimal number with a leading zero", text);
  if (fraction.size() > fixed18_decimals) {
    return bad_decimal("more than " + std::to_string(fixed18_decimals) + " decimal places", text);
  }
  std::string scaled =
      std::string(whole) + std::string(fraction) + std::string(fixed18_decimals - fraction.size(), '0');
  scaled.erase(0, std::min(scaled.find_first_not_of('0'), scaled.size() - 1));
  if (negative && scaled != "0") scaled.insert(0, "-");
  auto value = I256::parse_decimal(scaled);
  if (!value) return bad_decimal("number does not fit int256 with 18 decimals", text);
  return value;
}

std::string format_fixed18(const I256& value) {
  std::string digits = value.magnitude().to_decimal();
  if (digits.size() <= fixed18_decimals) digits.insert(0, fixed18_decimals + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - fixed18_decimals);
  std::string fraction = digits.substr(digits.size() - fixed18_decimals);
  fraction.erase(std::min(fraction.find_last_not_of('0') + 1, fraction.size()));
  std::string text = value.is_negative() ? "-" + whole : whole;
  if (!fraction.empty()) text += "." + fraction;
  return text;
}

}  // namespace mlchain::codec
