-- wrk script for the comparison: every request is GET /home?key=<6-digit id>, a key drawn per
-- request, which each balancer hashes (HAProxy: balance uri whole; nginx: $request_uri;
-- ringlb: lb.key=uri). With WRK_SPREAD=host:port,host:port,... the threads are dealt over
-- those addresses instead, to hit the replicas directly.

local spread = os.getenv("WRK_SPREAD")
local dealt = 0

function setup(thread)
  thread:set("seed", dealt)
  if spread ~= nil and spread ~= "" then
    local addresses = {}
    for host, port in string.gmatch(spread, "([^,]+):(%d+)") do
      addresses[#addresses + 1] = wrk.lookup(host, port)[1]
    end
    thread.addr = addresses[(dealt % #addresses) + 1]
  end
  dealt = dealt + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + seed)
end

function request()
  return wrk.format("GET", "/home?key=" .. math.random(100000, 999999))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d p999_us=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    e.connect + e.read + e.write + e.status + e.timeout))
end
