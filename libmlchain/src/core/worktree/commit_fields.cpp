#include "mlchain/core/commit_fields.hpp"

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

}  // namespace

Result<Assignment> parse_assignment(std::string_view argument, std::string_view flag) {
  const auto equals = argument.find('=');
  if (equals == std::string_view::npos || equals == 0)
    return make_error(ErrorCode::usage, std::string(flag) + " '" + std::string(argument) + "' is not KEY=VALUE");
  return Assignment{std::string(argument.substr(0, equals)), std::string(argument.substr(equals + 1))};
}

Result<double> parse_metric_value(std::string_view name, std::string_view text) {
  double value = 0;
  if (!parse_whole(text, value) || !std::isfinite(value))
    return make_error(ErrorCode::usage,
                      "metric '" + std::string(name) + "' has value '" + std::string(text) + "', which is not a finite number");
  return value;
}

ParamValue parse_param_value(std::string_view text) {
  std::int64_t integer = 0;
  if (parse_whole(text, integer)) return integer;
  double number = 0;
  if (parse_whole(text, number) && std::isfinite(number)) return number;
  return std::string(text);
}

Result<DataArgument> parse_data_argument(std::string_view argument) {
  MLCHAIN_TRY(auto assignment, parse_assignment(argument, "--data"));
  if (assignment.value.empty())
    return make_error(ErrorCode::usage, "--data '" + std::string(argument) + "' names no path");
  DataArgument data{assignment.key, default_data_role, assignment.value};
  const auto colon = data.name.find(':');
  if (colon != std::string::npos) {
    data.role = data.name.substr(colon + 1);
    data.name.resize(colon);
    if (data.name.empty() || data.role.empty())
      return make_error(ErrorCode::usage, "--data '" + std::string(argument) + "' is not NAME=PATH or NAME:ROLE=PATH");
  }
  return data;
}

}  // namespace mlchain::core
