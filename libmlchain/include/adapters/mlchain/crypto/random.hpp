#pragma once
// Randomness for keys, salts and IVs, straight from the kernel (getrandom), never from a user-space PRNG.

#include <cstdint>
#include <span>

#include "mlchain/result.hpp"

namespace mlchain::crypto {

Status fill_random(std::span<std::uint8_t> out);

}  // namespace mlchain::crypto
