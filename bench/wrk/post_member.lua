-- POST /v1/members in sinergi's contract (API.md): the harness's post_member.lua with bodies
-- sinergi accepts. Each request registers a new PBPU member with a valid, unique NIK:
--   52 (Nusa Tenggara Barat, absent from the seeded data) + regency 01-99 from the wrk thread
--   + district 01-99 from the run nonce + a birth date and serial from a per-thread counter.
-- Warm-up and measured runs get different nonces (the harness sleeps a second between them).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local counter = 1
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local first = { "Agus", "Siti", "Budi", "Dewi", "Eko", "Rina", "Joko", "Putri" }
local last = { "Santoso", "Wijaya", "Saputra", "Hidayat", "Nasution", "Siregar" }

function init(args)
  nonce = tonumber(os.getenv("WRK_NONCE") or "") or os.time()
  n = 0
  hdrs = {
    ["Authorization"] = "Bearer " .. (os.getenv("BENCH_TOKEN") or "bench-token"),
    ["Content-Type"] = "application/json",
  }
end

function request()
  n = n + 1
  local serial = 1 + n % 9999
  local rest = math.floor(n / 9999)
  local day = 1 + rest % 28
  local month = 1 + math.floor(rest / 28) % 12
  local year = math.floor(rest / 336) % 100
  local female = (n % 2 == 0)
  local regency = 1 + (tid or 0) % 99
  local district = 1 + nonce % 99
  local nik = string.format("52%02d%02d%02d%02d%02d%04d", regency, district, day + (female and 40 or 0), month, year, serial)
  local body = string.format(
    '{"nik":"%s","full_name":"%s %s","birth_date":"19%02d-%02d-%02d","sex":"%s","family_card_no":"%s",' ..
    '"relationship":"head","segment":"PBPU","class":%d,"region_code":"5203","phone":"0812%08d"}',
    nik, first[n % #first + 1], last[n % #last + 1], year, month, day, female and "F" or "M", nik, 1 + n % 3, n % 100000000)
  return wrk.format("POST", "/v1/members", hdrs, body)
end
