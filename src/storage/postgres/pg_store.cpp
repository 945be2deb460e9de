#include "storage/postgres/pg_store.hpp"

#include <random>
#include <stdexcept>

#include "storage/postgres/pg_migrations.hpp"
#include "storage/postgres/pg_rotation_batch.hpp"
#include "storage/postgres/pg_unit_of_work.hpp"

namespace rekey {
namespace {

// This process's id in event payloads (not a secret: only tells nodes apart).
std::string new_node_id() {
  std::random_device seed;
  return std::to_string(seed()) + "-" + std::to_string(seed());
}

// A general batch: one transaction on a connection of its own, each unit a savepoint in it.
class pg_batch final : public store_batch {
 public:
  pg_batch(pg_pool::lease db, const std::string& node) : db_(std::move(db)), node_(node) {}
  ~pg_batch() override {
    if (ended_) return;
    (void)db_->exec("ROLLBACK");
    hooks_.dropped();
  }

  result<std::unique_ptr<unit_of_work>> begin() override {
    if (ended_) return errc::internal;
    if (auto r = db_->exec("SAVEPOINT unit"); !r) return r.error();
    return std::unique_ptr<unit_of_work>(
        std::make_unique<pg_unit_of_work>(pg_pool::lease{}, *db_, node_, hooks_.sink()));
  }

  result<void> commit() override {
    if (ended_) return errc::internal;
    ended_ = true;
    auto r = db_->exec("COMMIT");
    if (!r) (void)db_->exec("ROLLBACK");
    db_.release();  // the connection goes back to the pool
    if (!r) {
      hooks_.dropped();
      return r;
    }
    hooks_.committed();
    return {};
  }

 private:
  pg_pool::lease db_;
  const std::string& node_;
  batch_hooks hooks_;
  bool ended_ = false;
};

}  // namespace

pg_store::pg_store(const std::string& url, std::size_t connections)
    : url_(url), node_(new_node_id()), pool_(url, connections) {
  auto db = pool_.acquire();
  if (!db->connect()) throw std::runtime_error("cannot connect to the PostgreSQL database");
  if (!migrate_postgres(*db)) throw std::runtime_error("cannot migrate the PostgreSQL database");
}

pg_store::~pg_store() { stop_events(); }

void pg_store::on_events(std::function<void(std::string_view)> handle) {
  listener_ = std::make_unique<pg_listener>(url_, "rekey", [node = node_ + "|", handle](const std::string& payload) {
    if (payload == "*") return handle("*");
    if (payload.starts_with(node)) return;  // this node's own change
    const auto bar = payload.find('|');
    handle(std::string_view(payload).substr(bar == std::string::npos ? 0 : bar + 1));
  });
}

void pg_store::stop_events() {
  if (listener_) listener_->stop();
}

result<std::unique_ptr<unit_of_work>> pg_store::begin() {
  auto db = pool_.acquire();
  if (auto begun = db->begin_transaction(); !begun) return begun.error();  // sent with the first statement
  auto& connection = *db;
  return std::unique_ptr<unit_of_work>(std::make_unique<pg_unit_of_work>(std::move(db), connection, node_, nullptr));
}

result<std::unique_ptr<store_batch>> pg_store::begin_batch() {
  auto db = pool_.acquire();
  if (auto r = db->exec("BEGIN"); !r) return r.error();
  return std::unique_ptr<store_batch>(std::make_unique<pg_batch>(std::move(db), node_));
}

result<std::unique_ptr<store_batch>> pg_store::begin_rotation_batch(std::span<const rotation_key> rotations) {
  auto batch = std::make_unique<pg_rotation_batch>(pool_.acquire(), node_);
  if (auto r = batch->start(rotations); !r) return r.error();  // destroyed: rolled back
  return std::unique_ptr<store_batch>(std::move(batch));
}

}  // namespace rekey
