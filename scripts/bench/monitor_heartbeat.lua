-- wrk script: every request is a first heartbeat of a new agent (so each one is a stored write).
-- wrk -t1 -c50 -d10s --latency -s scripts/bench/monitor_heartbeat.lua http://127.0.0.1:PORT
local counter = 0
-- The admin token: it writes any agent's heartbeat (the agent bootstrap token only enrols).
local token = os.getenv("YUNWANG_ADMIN_TOKEN") or "bench-admin-token-000000000000"
local prefix = "w" .. tostring(math.random(1, 1000000000)) .. "-"

request = function()
  counter = counter + 1
  local id = prefix .. counter
  local body = '{"agent_id":"' .. id .. '","kind":"host","hostname":"' .. id ..
               '","version":"bench","seq":1,"sent_at":"2026-01-01T00:00:00Z"}'
  return wrk.format("POST", "/api/v1/agents/" .. id .. "/heartbeat",
                    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
