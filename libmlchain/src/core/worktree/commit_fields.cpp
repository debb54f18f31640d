#include "mlchain/core/commit_fields.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace mlchain::core {
namespace {

template <class Number>
bool parse_whole(std::string_view text, Number& value) {
  if (text.empty()) return false;
  const char* first = text.data();
  // from_chars takes no leading '+', which people write for exponents and signs alike.
  if (*first == '+') ++first;
  const char* last = text.data() + text.size();
  if (first == last) return false;
  const auto [end, error] = std::from_chars(first, last, value);
  return error == std::errc() && end == last;
}

bool is_decimal_integer(std::string_view text) {
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<Assignment> parse_assignment(std::string_view argument, std::string_view flag) {
  const auto equals = argument.find('=');
  if (equals == std::string_view::npos || equals == 0)
    return make_error(ErrorKind::invalid_argument,
                      std::string(flag) + " '" + std::string(argument) + "' is not KEY=VALUE");
  return Assignment{std::string(argument.substr(0, equals)), std::string(argument.substr(equals + 1))};
}

Result<double> parse_metric_value(std::string_view name, std::string_view text) {
  double value = 0;
  if (!parse_whole(text, value) || !std::isfinite(value))
    return make_error(ErrorKind::invalid_argument, "metric '" + std::string(name) + "' has value '" +
                                                       std::string(text) + "', which is not a finite number");
  return value;
}

Result<ParamValue> parse_param_value(std::string_view name, std::string_view text) {
  std::int64_t integer = 0;
  if (parse_whole(text, integer)) return ParamValue{integer};
  if (is_decimal_integer(text))
    return make_error(ErrorKind::invalid_argument,
                      "param '" + std::string(name) + "' has value '" + std::string(text) +
                          "', an integer outside -2^63..2^63-1 that cannot be stored exactly; "
                          "record it as text with --tag");
  double number = 0;
  if (parse_whole(text, number) && std::isfinite(number)) return ParamValue{number};
  return ParamValue{std::string(text)};
}

Result<DataArgument> parse_data_argument(std::string_view argument) {
  MLCHAIN_TRY(auto assignment, parse_assignment(argument, "--data"));
  if (assignment.value.empty())
    return make_error(ErrorKind::invalid_argument, "--data '" + std::string(argument) + "' names no path");
  DataArgument data{assignment.key, default_data_role, assignment.value};
  const auto colon = data.name.find(':');
  if (colon != std::string::npos) {
    data.role = data.name.substr(colon + 1);
    data.name.resize(colon);
    if (data.name.empty() || data.role.empty())
      return make_error(ErrorKind::invalid_argument,
                        "--data '" + std::string(argument) + "' is not NAME=PATH or NAME:ROLE=PATH");
  }
  return data;
}

}  // namespace mlchain::core
