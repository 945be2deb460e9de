#include "console/platform_admin.hpp"

#include <algorithm>

#include "auth/scopes.hpp"
#include "core/identifiers.hpp"

namespace rekey {
namespace {

constexpr std::size_t longest_name = 200;
constexpr std::size_t longest_audience = 500;

bool good_audience(const std::optional<std::string>& audience) {
  return !audience || (!audience->empty() && audience->size() <= longest_audience);
}

}  // namespace

result<void> check_token_settings(const token_settings& settings) {
  if (settings.scopes.size() > most_custom_scopes || !good_audience(settings.audience)) return errc::invalid_input;
  for (std::size_t i = 0; i < settings.scopes.size(); ++i) {
    if (!is_custom_scope(settings.scopes[i])) return errc::invalid_input;
    if (std::find(settings.scopes.begin(), settings.scopes.begin() + static_cast<std::ptrdiff_t>(i),
                  settings.scopes[i]) != settings.scopes.begin() + static_cast<std::ptrdiff_t>(i))
      return errc::invalid_input;
  }
  return {};
}

platform_admin::platform_admin(store& storage, const clock& clock, random_source& random, const secret_hasher& hasher,
                               credential_cache& credentials, resource_server_cache& servers, jwt_key_ring& keys,
                               const key256& at_rest_key, millis jwt_key_lead, audit_trail& audit)
    : storage_(storage),
      clock_(clock),
      random_(random),
      hasher_(hasher),
      credentials_(credentials),
      servers_(servers),
      keys_(keys),
      at_rest_key_(at_rest_key),
      jwt_key_lead_(jwt_key_lead),
      audit_(audit) {}

result<created_resource_server> platform_admin::create_resource_server(const std::string& request_id,
                                                                       const std::string& name,
                                                                       std::optional<std::string> audience) {
  if (name.empty() || name.size() > longest_name || !good_audience(audience)) return errc::invalid_input;
  created_resource_server out;
  out.secret = std::string(resource_server_secret_prefix) + to_hex(random_.bytes<32>());
  out.server = {"rs-" + new_uuid(random_), name,         std::move(audience),
                hasher_.hash(out.secret),  clock_.now(), std::nullopt};
  auto work = storage_.begin();
  if (!work) return work.error();
  if (auto r = (*work)->resource_servers().insert(out.server); !r) return r.error();
  if (auto r = audit_.record_admin(**work, request_id, "resource_server.created", "", out.server.id + " name " + name);
      !r)
    return r.error();
  (*work)->after_commit(
      [this, server = out.server, seen = servers_.generation(out.server.id)] { servers_.put(server, seen); });
  if (auto r = (*work)->commit(); !r) return r.error();
  return out;
}

result<std::vector<resource_server_record>> platform_admin::list_resource_servers() {
  auto work = storage_.begin();
  if (!work) return work.error();
  return (*work)->resource_servers().list();
}

result<resource_server_record> platform_admin::find_resource_server(std::string_view id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto found = (*work)->resource_servers().find(id);
  if (!found) return found.error();
  if (!*found) return errc::not_found;
  return std::move(**found);
}

result<resource_server_record> platform_admin::revoke_resource_server(const std::string& request_id,
                                                                      std::string_view id) {
  auto work = storage_.begin();
  if (!work) return work.error();
  const auto now = clock_.now();
  auto revoked = (*work)->resource_servers().revoke(id, now);
  if (!revoked) return revoked.error();
  auto found = (*work)->resource_servers().find(id);
  if (!found) return found.error();
  if (!*found) return errc::not_found;
  if (!*revoked) return std::move(**found);  // revoked already: nothing to change
  if (auto r = audit_.record_admin(**work, request_id, "resource_server.revoked", "", std::string(id)); !r)
    return r.error();
  (*work)->after_commit([this, server = **found] { servers_.forget(server.id); });
  if (auto r = (*work)->commit(); !r) return r.error();
  return std::move(**found);
}

result<application_record> platform_admin::update_token_settings(const std::string& request_id,
                                                                 std::string_view application_id,
                                                                 const token_settings& settings) {
  if (auto ok = check_token_settings(settings); !ok) return ok.error();
  auto work = storage_.begin();
  if (!work) return work.error();
  auto app = (*work)->applications().find(application_id);
  if (!app) return app.error();
  if (!*app) return errc::not_found;
  auto changed = **app;
  changed.tokens = settings;
  changed.tokens.version = (*app)->tokens.version + 1;
  if (auto r = (*work)->applications().update_token_settings(changed); !r) return r.error();
  if (auto r =
          audit_.record_admin(**work, request_id, "application.token_settings", application_id, to_string(settings));
      !r)
    return r.error();
  // The cache keeps the highest version: a token request that read the old settings cannot put
  // them back. Forgotten too, so the next request reads storage.
  (*work)->after_commit([this, id = changed.id] { credentials_.forget(id); });
  if (auto r = (*work)->commit(); !r) return r.error();
  return changed;
}

result<void> platform_admin::reload_jwt_keys() {
  auto work = storage_.begin();
  if (!work) return work.error();
  auto records = (*work)->keys().list_jwt_keys();
  if (!records) return records.error();
  auto keys = open_jwt_keys(*records, at_rest_key_);
  if (!keys) return keys.error();
  keys_.add(std::move(*keys));
  return {};
}

result<std::vector<jwt_key_status>> platform_admin::jwt_keys() {
  if (auto r = reload_jwt_keys(); !r) return r.error();
  return keys_.statuses(clock_.now());
}

result<jwt_key_status> platform_admin::rotate_jwt_key(const std::string& request_id) {
  const auto now = clock_.now();
  auto [key, record] = make_jwt_key(at_rest_key_, random_, now, jwt_key_lead_);
  {
    auto work = storage_.begin();
    if (!work) return work.error();
    if (auto r = (*work)->keys().insert_jwt_key(record); !r) return r.error();
    if (auto r = audit_.record_admin(**work, request_id, "jwt_key.created", "", "kid " + record.kid); !r)
      return r.error();
    if (auto r = (*work)->commit(); !r) return r.error();
  }
  if (auto r = reload_jwt_keys(); !r) return r.error();
  for (auto& status : keys_.statuses(now))
    if (status.key->kid == record.kid) return status;
  return errc::internal;
}

}  // namespace rekey
