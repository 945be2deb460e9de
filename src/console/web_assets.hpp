// web_assets: the console's files (src/console/web/), compiled into the binary by
// cmake/embed_web_assets.cmake, so that rekey serves its console with nothing to install and
// nothing fetched at run time. Immutable; thread-safe.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace rekey {

struct web_asset {
  std::string_view path;  // relative to /console/, e.g. "js/main.js"; "index.html" for the page
  std::string_view content_type;
  std::string_view body;
};

// Every asset, in the order the build listed them.
std::span<const web_asset> web_assets();

// The asset at `path` (relative to /console/); nullopt when there is none.
inline std::optional<web_asset> find_web_asset(std::string_view path) {
  for (const auto& asset : web_assets()) {
    if (asset.path == path) return asset;
  }
  return std::nullopt;
}

}  // namespace rekey
