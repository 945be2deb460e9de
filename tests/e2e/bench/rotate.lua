-- wrk script for make bench parts 2 and 3: POST the rotate call with each application's access
-- token in turn (one token per line in the file named by REKEY_TOKENS), starting REKEY_TOKENS_START
-- lines in (default 0), and count the 204s.
local tokens = {}
for line in io.lines(os.getenv("REKEY_TOKENS")) do tokens[#tokens + 1] = line end

local start = tonumber(os.getenv("REKEY_TOKENS_START") or "0")
local threads = {}
function setup(thread)
  thread:set("offset", start + #threads)
  threads[#threads + 1] = thread
end

next_index, accepted = 0, 0  -- globals: done() reads each thread's count with thread:get
function init()
  next_index = offset
  accepted = 0
end

function request()
  next_index = next_index + 1
  local token = tokens[(next_index % #tokens) + 1]
  return wrk.format("POST", "/applications/2023-11-30/clientSecret", { ["x-amz-access-token"] = token }, nil)
end

function response(status)
  if status == 204 then accepted = accepted + 1 end
end

function done(summary)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("accepted") end
  io.write(string.format("accepted %d\n", total))
end
