local out = {}
count(0, 1, #ARGV, out)
return out
