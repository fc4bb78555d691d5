local out = {}
local failed = apply(0, #KEYS, ARGV[1], N[ARGV[2]], ARGV[3], 4, #ARGV, out)
if failed then
  return failed
end
return out
