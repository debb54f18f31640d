#pragma once
// A remote URL as a commit may record it: without the user:password@ (or token@) part that
// `https://user:token@host/…` URLs carry, so no credential ever lands in a signed, published commit.

#include <string>
#include <string_view>

namespace mlchain::core {

// Removes the userinfo of a "scheme://userinfo@host…" URL. scp-like addresses ("git@host:path") name an
// account, not a secret, and are kept as they are.
std::string strip_url_credentials(std::string_view url);

}  // namespace mlchain::core
