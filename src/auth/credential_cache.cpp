#include "auth/credential_cache.hpp"

#include <algorithm>

#include "crypto/hmac.hpp"

namespace rekey {

namespace {

int progress(secret_state state) {
  switch (state) {
    case secret_state::current:
      return 0;
    case secret_state::old:
      return 1;
    case secret_state::retired:
      return 2;
    case secret_state::revoked:
      return 3;
  }
  return 3;
}

}  // namespace

void credential_cache::put(cached_application app, std::uint64_t seen) {
  std::lock_guard lock(mutex_);
  if (const auto g = generations_.find(app.application_id); g != generations_.end() && g->second != seen) return;
  application_by_client_[app.client_id] = app.application_id;
  const auto known = by_application_.find(app.application_id);
  if (known == by_application_.end()) {
    by_application_.emplace(app.application_id, std::move(app));
    return;
  }
  if (app.tokens.version >= known->second.tokens.version) known->second.tokens = std::move(app.tokens);
  auto& secrets = known->second.secrets;
  for (auto& incoming : app.secrets) {
    const auto same = std::find_if(secrets.begin(), secrets.end(), [&](const auto& s) { return s.id == incoming.id; });
    if (same == secrets.end()) {
      secrets.push_back(std::move(incoming));
      continue;
    }
    if (progress(incoming.state) > progress(same->state)) same->state = incoming.state;
    same->expires_at = std::min(same->expires_at, incoming.expires_at);
  }
}

void credential_cache::put(const application_record& app, const std::vector<secret_record>& secrets,
                           std::uint64_t seen) {
  cached_application entry{app.id, app.client_id, {}, app.tokens};
  entry.secrets.reserve(secrets.size());
  for (const auto& s : secrets) entry.secrets.push_back({s.id, s.hash, s.state, s.expires_at});
  put(std::move(entry), seen);
}

std::uint64_t credential_cache::generation(std::string_view application_id) const {
  std::lock_guard lock(mutex_);
  const auto g = generations_.find(application_id);
  return g == generations_.end() ? 0 : g->second;
}

void credential_cache::forget(std::string_view application_id) {
  std::lock_guard lock(mutex_);
  if (const auto g = generations_.find(application_id); g != generations_.end()) {
    ++g->second;
  } else {
    generations_.emplace(std::string(application_id), 1);
  }
  const auto app = by_application_.find(application_id);
  if (app == by_application_.end()) return;
  application_by_client_.erase(app->second.client_id);
  by_application_.erase(app);
}

std::optional<secret_match> credential_cache::match(std::string_view client_id, const digest256& hash) const {
  std::lock_guard lock(mutex_);
  const auto app_id = application_by_client_.find(client_id);
  if (app_id == application_by_client_.end()) return std::nullopt;
  const auto& app = by_application_.at(app_id->second);
  std::optional<secret_match> found;
  for (const auto& s : app.secrets) {  // no early exit: time does not depend on which one matched
    if (constant_time_equal(s.hash, hash)) found = secret_match{app.application_id, s, {}};
  }
  if (found) found->tokens = app.tokens;
  return found;
}

std::optional<credential_cache::token_holder> credential_cache::find_holder(std::string_view application_id,
                                                                            std::string_view secret_id) const {
  std::lock_guard lock(mutex_);
  const auto app = by_application_.find(application_id);
  if (app == by_application_.end()) return std::nullopt;
  token_holder holder{app->second.client_id, app->second.tokens, std::nullopt};
  for (const auto& s : app->second.secrets)
    if (s.id == secret_id) holder.secret = secret_status{s.state, s.expires_at};
  return holder;
}

std::optional<credential_cache::secret_status> credential_cache::find_secret(std::string_view application_id,
                                                                             std::string_view secret_id) const {
  std::lock_guard lock(mutex_);
  const auto app = by_application_.find(application_id);
  if (app == by_application_.end()) return std::nullopt;
  for (const auto& s : app->second.secrets) {
    if (s.id == secret_id) return secret_status{s.state, s.expires_at};
  }
  return std::nullopt;
}

}  // namespace rekey
