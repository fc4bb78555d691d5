local out = {}
local ko = 0
local i = 1
local argc = #ARGV
while i <= argc do
  local kind = ARGV[i]
  local nk = N[ARGV[i + 1]]
  local last = i + 2 + N[ARGV[i + 2]]
  if kind == 'a' then
    local failed = apply(ko, nk, i + 3, last, out)
    if failed then
      return failed
    end
  else
    count(ko, i + 3, last, out)
  end
  ko = ko + nk
  i = last + 1
end
return out
