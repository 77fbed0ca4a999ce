using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.Odoo;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A scenario file that cannot be used, with the reason.</summary>
internal sealed class ScenarioException : Exception
{
    public ScenarioException()
    {
    }

    public ScenarioException(string message)
        : base(message)
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>One request ready to render: method, path, body and headers as templates.</summary>
internal sealed record CompiledRequest(string Method, Template Path, Template? Body, string? ContentType, IReadOnlyList<(string Name, Template Value)> Headers);

/// <summary>One step of the mix (or a background iteration): requests sent in order.</summary>
internal sealed record CompiledStep(string Name, double Weight, IReadOnlyList<CompiledRequest> Requests);

/// <summary>A loop running beside the mix.</summary>
internal sealed record CompiledBackground(string Name, int Users, ThinkTime ThinkTime, CompiledStep Step);

/// <summary>A pause between steps: fixed or uniform in a range.</summary>
internal readonly record struct ThinkTime(TimeSpan Min, TimeSpan Max)
{
    public static ThinkTime None => new(TimeSpan.Zero, TimeSpan.Zero);

    public TimeSpan Next(Random random) => Max <= Min ? Min : Min + (Max - Min) * random.NextDouble();

    public static ThinkTime Parse(string? text, ThinkTime fallback)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var dash = text.IndexOf('-', 1);
        if (dash > 0)
        {
            return new(Durations.Parse(text[..dash], "think time"), Durations.Parse(text[(dash + 1)..], "think time"));
        }

        var fixedTime = Durations.Parse(text, "think time");
        return new(fixedTime, fixedTime);
    }

    public override string ToString() => Min == Max ? Durations.Format(Min) : $"{Durations.Format(Min)}-{Durations.Format(Max)}";
}

/// <summary>A scenario compiled from its file: every template split, every placeholder known, weights summed.</summary>
internal sealed class Scenario
{
    /// <summary>Placeholders every request may use: login facts, the session's uid, a fresh JSON-RPC id and a random uuid.</summary>
    public static readonly IReadOnlySet<string> BuiltIns = new HashSet<string>(StringComparer.Ordinal) { "db", "login", "password", "uid", "rpc_id", "uuid" };

    private readonly double[] _cumulativeWeights;

    private Scenario(ScenarioFile file, string source, IReadOnlyList<CompiledStep> steps, IReadOnlyList<CompiledBackground> background,
        IReadOnlyDictionary<string, Func<Random, TemplateValue>> parameters)
    {
        File = file;
        Source = source;
        Name = file.Name ?? System.IO.Path.GetFileNameWithoutExtension(source);
        Steps = steps;
        Background = background;
        Parameters = parameters;
        _cumulativeWeights = new double[steps.Count];
        var sum = 0.0;
        for (var i = 0; i < steps.Count; i++)
        {
            sum += steps[i].Weight;
            _cumulativeWeights[i] = sum;
        }
    }

    /// <summary>The file as read.</summary>
    public ScenarioFile File { get; }

    /// <summary>Where it was read from.</summary>
    public string Source { get; }

    /// <summary>Scenario name.</summary>
    public string Name { get; }

    /// <summary>The weighted mix.</summary>
    public IReadOnlyList<CompiledStep> Steps { get; }

    /// <summary>Loops beside the mix.</summary>
    public IReadOnlyList<CompiledBackground> Background { get; }

    /// <summary>Parameter pickers by name.</summary>
    public IReadOnlyDictionary<string, Func<Random, TemplateValue>> Parameters { get; }

    /// <summary>Picks a step by weight.</summary>
    public CompiledStep PickStep(Random random)
    {
        var x = random.NextDouble() * _cumulativeWeights[^1];
        var i = Array.BinarySearch(_cumulativeWeights, x);
        i = i < 0 ? ~i : i + 1;
        return Steps[Math.Min(i, Steps.Count - 1)];
    }

    /// <summary>Reads and compiles a scenario file.</summary>
    public static Scenario Load(string path, IReadOnlyDictionary<string, string>? parameterOverrides = null)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new ScenarioException($"scenario file '{path}' does not exist");
        }

        return Parse(System.IO.File.ReadAllText(path), path, parameterOverrides);
    }

    /// <summary>Compiles scenario JSON; <paramref name="source"/> names it in messages.</summary>
    public static Scenario Parse(string json, string source, IReadOnlyDictionary<string, string>? parameterOverrides = null)
    {
        ScenarioFile file;
        try
        {
            file = JsonSerializer.Deserialize<ScenarioFile>(json, LoadTest.Json.ReadOptions) ?? throw new ScenarioException($"{source}: empty scenario");
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"{source}: not a valid scenario: {e.Message}");
        }

        return Compile(file, source, parameterOverrides);
    }

    /// <summary>Compiles a scenario already in memory (replay builds them).</summary>
    public static Scenario Compile(ScenarioFile file, string source, IReadOnlyDictionary<string, string>? parameterOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var parameters = new Dictionary<string, Func<Random, TemplateValue>>(StringComparer.Ordinal);
        foreach (var (name, value) in file.Parameters ?? [])
        {
            if (!Template.IsName(name) || BuiltIns.Contains(name))
            {
                throw new ScenarioException($"{source}: parameter '{name}' must be letters, digits and '_' and not one of {string.Join(", ", BuiltIns)}");
            }

            parameters[name] = Picker(source, name, value);
        }

        foreach (var (name, value) in parameterOverrides ?? new Dictionary<string, string>())
        {
            var element = ParseLoose(value);
            parameters[name] = _ => TemplateValue.From(element);
        }

        if (file.Steps is not { Count: > 0 })
        {
            throw new ScenarioException($"{source}: no steps");
        }

        var steps = new List<CompiledStep>();
        for (var i = 0; i < file.Steps.Count; i++)
        {
            var step = file.Steps[i];
            var name = step.Name ?? $"step {i + 1}";
            if (!(step.Weight > 0) || double.IsInfinity(step.Weight))
            {
                throw new ScenarioException($"{source}: step '{name}' needs a positive weight");
            }

            steps.Add(new CompiledStep(name, step.Weight, CompileRequests(file, source, name, step.Request, step.Requests, parameters)));
        }

        var background = new List<CompiledBackground>();
        foreach (var loop in file.Background ?? [])
        {
            var name = loop.Name ?? "background";
            if (loop.Users < 1)
            {
                throw new ScenarioException($"{source}: background '{name}' needs at least 1 user");
            }

            var step = new CompiledStep(name, 1, CompileRequests(file, source, name, loop.Request, loop.Requests, parameters));
            background.Add(new CompiledBackground(name, loop.Users, ThinkTime.Parse(loop.ThinkTime, ThinkTime.None), step));
        }

        if (file.Sessions < 1)
        {
            throw new ScenarioException($"{source}: sessions must be at least 1");
        }

        return new Scenario(file, source, steps, background, parameters);
    }

    private static List<CompiledRequest> CompileRequests(ScenarioFile file, string source, string step, RequestSpec? single, List<RequestSpec>? many,
        Dictionary<string, Func<Random, TemplateValue>> parameters)
    {
        var specs = new List<RequestSpec>();
        if (single is not null) specs.Add(single);
        if (many is not null) specs.AddRange(many);
        if (specs.Count == 0)
        {
            throw new ScenarioException($"{source}: step '{step}' has no request");
        }

        var compiled = specs.Select(spec => CompileRequest(file, source, step, spec)).ToList();
        foreach (var request in compiled)
        {
            var names = request.Path.Names.Concat(request.Body?.Names ?? []).Concat(request.Headers.SelectMany(h => h.Value.Names));
            foreach (var name in names)
            {
                if (!BuiltIns.Contains(name) && !parameters.ContainsKey(name))
                {
                    throw new ScenarioException($"{source}: step '{step}' uses '{{{{{name}}}}}', which is neither a parameter nor one of {string.Join(", ", BuiltIns)}");
                }
            }
        }

        return compiled;
    }

    private static CompiledRequest CompileRequest(ScenarioFile file, string source, string step, RequestSpec spec)
    {
        var headers = (spec.Headers ?? []).Select(h => (h.Key, Template.Compile(h.Value, TemplateContext.Raw))).ToList();
        var shapes = new object?[] { spec.CallKw, spec.CallButton, spec.ExecuteKw, spec.Get, spec.Path }.Count(s => s is not null);
        if (shapes != 1)
        {
            throw new ScenarioException($"{source}: step '{step}': a request needs exactly one of callKw, callButton, executeKw, get, path");
        }

        var rpcId = JsonValue.Create("{{rpc_id}}");
        if (spec.CallKw is { } kw)
        {
            Require(source, step, kw);
            var body = OdooRequests.JsonRpcEnvelope(OdooRequests.CallParams(kw.Model, kw.Method, Clone(kw.Args), Clone(kw.Kwargs)), rpcId);
            return JsonRequest("POST", OdooRequests.CallKwPath(kw.Model, kw.Method), body, headers);
        }

        if (spec.CallButton is { } button)
        {
            Require(source, step, button);
            var body = OdooRequests.JsonRpcEnvelope(OdooRequests.CallParams(button.Model, button.Method, Clone(button.Args), Clone(button.Kwargs)), rpcId);
            return JsonRequest("POST", OdooRequests.CallButtonPath(button.Model, button.Method, file.OdooVersion), body, headers);
        }

        if (spec.ExecuteKw is { } execute)
        {
            Require(source, step, execute);
            var kwargs = Clone(execute.Kwargs) ?? [];
            switch (execute.Transport ?? "xmlrpc")
            {
                case "xmlrpc":
                    // Whole-string placeholders become typed XML-RPC values, so a record id stays an <int>.
                    var xml = OdooRequests.XmlRpcExecuteKw("{{db}}", "{{uid}}", "{{password}}", execute.Model, execute.Method, Clone(execute.Args), kwargs,
                        text => text.StartsWith("{{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal) && Template.IsName(text[2..^2].Trim())
                            ? "{{xmlrpc:" + text[2..^2].Trim() + "}}"
                            : null);
                    return new CompiledRequest("POST", Template.Compile(OdooRequests.XmlRpcObjectPath, TemplateContext.Url), Template.Compile(xml, TemplateContext.Xml), "text/xml", headers);
                case "jsonrpc":
                    var body = OdooRequests.JsonRpcEnvelope(
                        OdooRequests.ExecuteKwParams("{{db}}", "{{uid}}", "{{password}}", execute.Model, execute.Method, Clone(execute.Args), kwargs), rpcId);
                    return JsonRequest("POST", OdooRequests.JsonRpcPath, body, headers);
                default:
                    throw new ScenarioException($"{source}: step '{step}': executeKw transport must be xmlrpc or jsonrpc");
            }
        }

        if (spec.Get is { } get)
        {
            return new CompiledRequest("GET", CompilePath(source, step, get), null, null, headers);
        }

        var method = (spec.Method ?? (spec.Body is null ? "GET" : "POST")).ToUpperInvariant();
        var path = CompilePath(source, step, spec.Path!);
        return spec.Body switch
        {
            null => new CompiledRequest(method, path, null, spec.ContentType, headers),
            JsonValue text when text.GetValueKind() == JsonValueKind.String =>
                new CompiledRequest(method, path, Template.Compile(text.GetValue<string>(), ContextOf(spec.ContentType)), spec.ContentType ?? "text/plain", headers),
            var json => new CompiledRequest(method, path, Template.Compile(json.ToJsonString(), TemplateContext.Json), spec.ContentType ?? "application/json", headers),
        };
    }

    private static TemplateContext ContextOf(string? contentType) =>
        contentType is null ? TemplateContext.Raw
        : contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? TemplateContext.Json
        : contentType.Contains("xml", StringComparison.OrdinalIgnoreCase) ? TemplateContext.Xml
        : contentType.Contains("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? TemplateContext.Url
        : TemplateContext.Raw;

    private static Template CompilePath(string source, string step, string path)
    {
        if (!path.StartsWith('/'))
        {
            throw new ScenarioException($"{source}: step '{step}': path '{path}' must start with '/'");
        }

        // The query keeps its own '=' and '&'; only placeholder values are escaped.
        return Template.Compile(path, TemplateContext.Url);
    }

    private static CompiledRequest JsonRequest(string method, string path, JsonObject body, List<(string, Template)> headers) =>
        new(method, Template.Compile(path, TemplateContext.Url), Template.Compile(body.ToJsonString(), TemplateContext.Json), "application/json", headers);

    private static void Require(string source, string step, RpcSpec rpc)
    {
        if (!Template.IsName(rpc.Model.Replace('.', '_')) || !Template.IsName(rpc.Method))
        {
            throw new ScenarioException($"{source}: step '{step}': model and method are required ('{rpc.Model}', '{rpc.Method}')");
        }
    }

    private static T? Clone<T>(T? node)
        where T : JsonNode => (T?)node?.DeepClone();

    private static Func<Random, TemplateValue> Picker(string source, string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                var values = value.EnumerateArray().Select(TemplateValue.From).ToArray();
                return random => values[random.Next(values.Length)];
            case JsonValueKind.Object when value.TryGetProperty("from", out var from) && value.TryGetProperty("to", out var to)
                && from.TryGetInt64(out var low) && to.TryGetInt64(out var high) && high >= low:
                return random => TemplateValue.Number(random.NextInt64(low, high + 1));
            case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                var constant = TemplateValue.From(value);
                return _ => constant;
            default:
                throw new ScenarioException($"{source}: parameter '{name}' must be a value, a non-empty array or {{\"from\": N, \"to\": M}}");
        }
    }

    private static JsonElement ParseLoose(string value)
    {
        try
        {
            return JsonDocument.Parse(value).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse(JsonSerializer.Serialize(value)).RootElement.Clone();
        }
    }

    internal static string Describe(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
