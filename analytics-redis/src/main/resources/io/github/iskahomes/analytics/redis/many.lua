local out = {}
local ko = 0
local i = 1
local argc = #ARGV
-- The header (expiry, day keys, cap) of the last full apply part ('a'): an 'A' part has the same, with every key a
-- day key, and does not send it again. Each part starts with one argument of bytes: its kind, its 24-bit key count,
-- the 24-bit count of its ARGV after this one, and for an 'a' part the 24-bit count of its day keys (then its expiry
-- and cap as the next two ARGV).
local at, cap
while i <= argc do
  local kind, a1, a2, a3, b1, b2, b3, c1, c2, c3 = byte(ARGV[i], 1, 10)
  local nk = (a1 * 256 + a2) * 256 + a3
  local last = i + (b1 * 256 + b2) * 256 + b3
  local failed
  if kind == 97 then -- 'a'
    at = ARGV[i + 1]
    cap = ARGV[i + 2]
    failed = apply(ko, nk, at, (c1 * 256 + c2) * 256 + c3, cap, i + 3, last, out)
  elseif kind == 65 then -- 'A'
    failed = apply(ko, nk, at, nk, cap, i + 1, last, out)
  else
    count(ko, i + 1, last, out)
  end
  if failed then
    return failed
  end
  ko = ko + nk
  i = last + 1
end
return out
