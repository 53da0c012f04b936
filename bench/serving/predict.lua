-- One instance of 20 steps of one feature per request, as bench/serving/run posts it to an LSTM(50) model.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local steps = {}
for i = 1, 20 do
  steps[i] = string.format("[%.4f]", math.sin(i / 3))
end
wrk.body = '{"instances": [[' .. table.concat(steps, ",") .. ']]}'

function done(summary, latency, requests)
  io.write(string.format("RESULT %d %.1f %.1f %.1f %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout))
end
