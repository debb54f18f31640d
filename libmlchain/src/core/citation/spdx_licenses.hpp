#pragma once
// The licence identifiers CITATION.cff may carry (spdx_licenses.cpp).

#include <array>
#include <string_view>

namespace mlchain::core {

extern const std::array<std::string_view, 459> cff_licenses;  // sorted

}  // namespace mlchain::core
