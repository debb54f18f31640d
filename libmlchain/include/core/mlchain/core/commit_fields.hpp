#pragma once
// What `mlchain commit` reads from its arguments into a commit's meta (docs/format.md): `K=V` pairs,
// metrics (always floats), params (typed by what the text holds) and data references (`NAME[:ROLE]=PATH`).

#include <string>
#include <string_view>

#include "mlchain/core/commit.hpp"

namespace mlchain::core {

struct Assignment {
  std::string key;
  std::string value;
};

// "K=V" split at the first '='; an invalid_argument error naming `flag` and the argument when K is empty or there is
// no '='.
Result<Assignment> parse_assignment(std::string_view argument, std::string_view flag);

// A metric's value: the whole text must be a finite decimal or exponent number (dag-cbor has no NaN or
// infinity); an invalid_argument error naming the metric otherwise.
Result<double> parse_metric_value(std::string_view name, std::string_view text);

// A param's value: an integer if the text is wholly a decimal int64, else a float if it is wholly a
// finite number, else the text itself. A whole decimal integer outside the int64 range is an invalid_argument error
// naming the param: as a float it would silently lose digits.
Result<ParamValue> parse_param_value(std::string_view name, std::string_view text);

struct DataArgument {
  std::string name;
  std::string role;  // "data" unless NAME:ROLE names another
  std::string path;
};
inline constexpr const char* default_data_role = "data";

// `NAME=PATH` or `NAME:ROLE=PATH`.
Result<DataArgument> parse_data_argument(std::string_view argument);

}  // namespace mlchain::core
