using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.LoadTest.Scenarios;
using OdooLatencyProxy.Odoo.Classification;

namespace OdooLatencyProxy.LoadTest.Replay;

/// <summary>
/// Turns a JSONL capture (the format in docs/loadtest.md: one exchange per line with <c>request.method</c>, <c>path</c>,
/// <c>query</c>, <c>headers</c>, <c>body</c>) into a scenario: identical requests become one step weighted by how often they
/// occurred, the arrival rate is the capture's, and the scenario's own login replaces the captured one.
/// </summary>
internal static class CaptureConverter
{
    // The scenario logs in itself; a replayed logout would end the session under the other requests.
    private static readonly string[] SessionRoutes = ["/web/login", "/web/session/authenticate", "/web/session/logout", "/web/session/destroy"];

    public static ScenarioFile Convert(string path, string? name = null)
    {
        var classifier = new RequestClassifier();
        var steps = new Dictionary<string, (StepSpec Step, int Count)>(StringComparer.Ordinal);
        var order = new List<string>();
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        double? first = null;
        double last = 0;
        var kept = 0;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? exchange;
            try
            {
                exchange = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new ScenarioException($"{path}:{lineNumber}: not JSON: {e.Message}");
            }

            var request = exchange?["request"];
            var method = request?["method"]?.GetValue<string>()?.ToUpperInvariant();
            var requestPath = request?["path"]?.GetValue<string>();
            if (method is null || requestPath is null)
            {
                throw new ScenarioException($"{path}:{lineNumber}: no request.method or request.path");
            }

            if (exchange!["t_start"] is JsonValue t && t.TryGetValue<double>(out var start))
            {
                first ??= start;
                last = Math.Max(last, start);
            }

            var operation = classifier.ClassifyRoute(method, requestPath).Operation.Name;
            string? reason = null;
            if (operation == OperationNames.Realtime) reason = "realtime (websocket, long polling)";
            else if (SessionRoutes.Contains(requestPath)) reason = "login and logout (the scenario logs in itself)";
            else if (request!["body_b64"] is not null) reason = "binary bodies";
            else if (request["truncated"]?.GetValue<bool>() == true) reason = "truncated bodies";
            if (reason is not null)
            {
                skipped[reason] = skipped.GetValueOrDefault(reason) + 1;
                continue;
            }

            var query = request!["query"]?.GetValue<string>();
            var target = string.IsNullOrEmpty(query) ? requestPath : requestPath + "?" + query.TrimStart('?');
            var body = request["body"]?.GetValue<string>();
            var contentType = Header(request["headers"], "content-type");
            var spec = new RequestSpec
            {
                Method = method,
                Path = target,
                Body = string.IsNullOrEmpty(body) ? null : BodyNode(body, contentType),
                ContentType = string.IsNullOrEmpty(body) ? null : contentType,
            };
            var key = method + " " + target + "\n" + body;
            if (steps.TryGetValue(key, out var existing))
            {
                steps[key] = (existing.Step, existing.Count + 1);
            }
            else
            {
                var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
                var named = classifier.Classify(method, requestPath, bodyBytes).Name;
                steps[key] = (new StepSpec { Name = $"{named} {method} {requestPath}", Request = spec }, 1);
                order.Add(key);
            }

            kept++;
        }

        if (kept == 0)
        {
            throw new ScenarioException($"{path}: no replayable request");
        }

        var seconds = first is null ? 0 : (last - first.Value) / 1000;
        var rate = seconds > 0 ? Math.Max(1, Math.Round(kept / seconds, 1)) : 5;
        return new ScenarioFile
        {
            Name = name ?? Path.GetFileNameWithoutExtension(path),
            Description = $"Replayed from {Path.GetFileName(path)}: {kept} requests in {order.Count} distinct shapes, weighted by occurrence" +
                (skipped.Count == 0 ? "." : "; skipped " + string.Join(", ", skipped.Select(s => $"{s.Value} {s.Key}")) + "."),
            Login = new LoginSpec(),
            Load = new LoadSpec { Model = "open", Rate = rate, Duration = "60s" },
            Steps = [.. order.Select(k => steps[k].Step with { Weight = steps[k].Count })],
        };
    }

    public static string Serialize(ScenarioFile scenario) => JsonSerializer.Serialize(scenario, Json.WriteOptions) + "\n";

    private static JsonNode BodyNode(string body, string? contentType)
    {
        if (contentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                var node = JsonNode.Parse(body);
                // Every replayed JSON-RPC call gets a fresh id, as a live web client would send.
                if (node is JsonObject { } envelope && envelope.ContainsKey("jsonrpc") && envelope.ContainsKey("id"))
                {
                    envelope["id"] = "{{rpc_id}}";
                }

                if (node is not null) return node;
            }
            catch (JsonException)
            {
                // Not JSON after all: replay the text as it was.
            }
        }

        return JsonValue.Create(body);
    }

    private static string? Header(JsonNode? headers, string name)
    {
        if (headers is not JsonObject obj) return null;
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value is JsonArray array ? array.FirstOrDefault()?.ToString() : value?.ToString();
            }
        }

        return null;
    }

    internal static string Rate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
