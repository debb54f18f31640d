#pragma once
// The one libsecp256k1 context of the process, shared by signing (secp256k1.cpp) and ECIES (ecies.cpp):
// created and randomised once against side channels; libsecp256k1 allows concurrent use once it is set up.
#include <secp256k1.h>

namespace mlchain::crypto {

const secp256k1_context* curve_context();

}  // namespace mlchain::crypto
