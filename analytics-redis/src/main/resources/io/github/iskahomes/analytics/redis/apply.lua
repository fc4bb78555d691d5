local out = {}
local failed = apply(0, #KEYS, 1, #ARGV, out)
if failed then
  return failed
end
return out
