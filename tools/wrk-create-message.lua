-- wrk script: the same load as `convsms bench-sim`, from a standard tool in its own process.
-- Every request is POST /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic auth and a
-- form body (To, From, a numbered Body), as the Twilio SDKs send it; every message stays stored.
--
--   convsms sim --port 4010 &           # defaults: the account, token and number below
--   wrk -t1 -c16 -d10s --latency -s tools/wrk-create-message.lua http://127.0.0.1:4010
--
-- TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, SIM_FROM and SIM_TO override the defaults (they must
-- match the running simulator: SIM_FROM one of its --number values).

local account = os.getenv("TWILIO_ACCOUNT_SID") or "AC00000000000000000000000000000001"
local token = os.getenv("TWILIO_AUTH_TOKEN") or "0123456789abcdef0123456789abcdef"
local from = os.getenv("SIM_FROM") or "+14155550100"
local to = os.getenv("SIM_TO") or "+14155552671"

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(s)
  return ((s:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do
      bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0")
    end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then
      return ""
    end
    local n = 0
    for i = 1, 6 do
      n = n + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0)
    end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

local function form(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", c:byte())
  end))
end

local path = "/2010-04-01/Accounts/" .. account .. "/Messages.json"
local prefix = "To=" .. form(to) .. "&From=" .. form(from) .. "&Body=wrk+message+"
local n = 0

wrk.method = "POST"
wrk.headers["Authorization"] = "Basic " .. base64(account .. ":" .. token)
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

function request()
  n = n + 1
  return wrk.format("POST", path, nil, prefix .. n)
end

local non_201 = 0

function response(status, headers, body)
  if status ~= 201 then
    non_201 = non_201 + 1
    if non_201 == 1 then
      io.stderr:write("unexpected HTTP " .. status .. ": " .. body .. "\n")
    end
  end
end
