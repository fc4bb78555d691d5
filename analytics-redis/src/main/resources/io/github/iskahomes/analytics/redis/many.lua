local out = {}
local ko = 0
local i = 1
local argc = #ARGV
-- The header (expiry, day keys, cap) of the last full apply part ('a'): an 'A' part has the same, with every key a
-- day key, and does not send it again.
local at, cap
while i <= argc do
  local kind = ARGV[i]
  local nk = N[ARGV[i + 1]]
  local last = i + 2 + N[ARGV[i + 2]]
  local failed
  if kind == 'a' then
    at = ARGV[i + 3]
    cap = ARGV[i + 5]
    failed = apply(ko, nk, at, N[ARGV[i + 4]], cap, i + 6, last, out)
  elseif kind == 'A' then
    failed = apply(ko, nk, at, nk, cap, i + 3, last, out)
  else
    count(ko, i + 3, last, out)
  end
  if failed then
    return failed
  end
  ko = ko + nk
  i = last + 1
end
return out
