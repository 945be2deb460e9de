# Sourced by scripts/bench.sh and scripts/bench-https.sh: make bench's reference, nginx answering
# `return 204;` with keep-alive unlimited and no access log.
# nginx_conf DIR PORT [SERVER_LINES]: writes DIR/nginx.conf listening on 127.0.0.1:PORT; SERVER_LINES
# go into the server block (part 5's `ssl` listener options and certificate).
nginx_conf() {
  local dir=$1 port=$2 server_lines=${3:-}
  mkdir -p "$dir"
  cat > "$dir/nginx.conf" <<CONF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$port${server_lines:+ ssl};
    $server_lines
    location / { return 204; }
  }
}
CONF
}
