#include "mlchain/unixfs/profile.hpp"

namespace mlchain::unixfs {

std::optional<Profile> find_profile(std::string_view name) {
  for (const Profile& profile : {unixfs_v1_2025, unixfs_v0_2015})
    if (profile.name == name) return profile;
  return std::nullopt;
}

}  // namespace mlchain::unixfs
