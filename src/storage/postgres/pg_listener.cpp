#include "storage/postgres/pg_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace rekey {

pg_listener::pg_listener(std::string url, std::string channel, std::function<void(const std::string&)> on_event)
    : url_(std::move(url)), channel_(std::move(channel)), on_event_(std::move(on_event)), thread_([this] { loop(); }) {}

pg_listener::~pg_listener() { stop(); }

void pg_listener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void pg_listener::loop() {
  pthread_setname_np(pthread_self(), "rekey-listen");
  bool missed = false;  // a connection was lost: events may have gone by
  while (!stopping_) {
    PGconn* conn = PQconnectdb(url_.c_str());
    bool listening = PQstatus(conn) == CONNECTION_OK;
    if (listening) {
      PGresult* r = PQexec(conn, ("LISTEN " + channel_).c_str());
      listening = PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
    }
    if (listening && missed) {
      on_event_("*");
      missed = false;
    }
    while (listening && !stopping_) {
      pollfd fd{PQsocket(conn), POLLIN, 0};
      if (::poll(&fd, 1, 250) < 0) continue;
      if (PQconsumeInput(conn) == 0) break;  // the connection is gone
      while (PGnotify* n = PQnotifies(conn)) {
        on_event_(n->extra);
        PQfreemem(n);
      }
    }
    PQfinish(conn);
    if (stopping_) return;
    if (!missed) spdlog::warn("postgres: not listening for other nodes' changes; reconnecting");
    missed = true;
    for (int i = 0; i < 4 && !stopping_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace rekey
