using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OdooLatencyProxy.Odoo;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A scenario compiled from its file: every template split, every placeholder known, weights summed.</summary>
internal sealed class Scenario
{
    /// <summary>Placeholders every request may use: login facts, the session's uid, a fresh JSON-RPC id and a random uuid.</summary>
    public static readonly IReadOnlySet<string> BuiltIns = new HashSet<string>(StringComparer.Ordinal) { "db", "login", "password", "uid", "rpc_id", "uuid" };

    private readonly double[] _cumulativeWeights;
    private readonly IReadOnlyDictionary<string, string>? _overrides;

    private Scenario(ScenarioFile file, string source, IReadOnlyList<CompiledStep> steps, IReadOnlyList<CompiledBackground> background,
        IReadOnlyDictionary<string, Func<Random, TemplateValue>> parameters, IReadOnlyList<CompiledStep> seed, int version,
        IReadOnlyDictionary<string, string>? overrides, Pools pools)
    {
        File = file;
        Source = source;
        Seed = seed;
        OdooVersion = version;
        _overrides = overrides;
        Pools = pools;
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

    /// <summary>Seed entries, run in order before the load starts.</summary>
    public IReadOnlyList<CompiledStep> Seed { get; }

    /// <summary>The Odoo major version the request shapes follow.</summary>
    public int OdooVersion { get; }

    /// <summary>Ids this run created, shared by seeds, steps and <c>{"pool": ...}</c> parameters.</summary>
    public Pools Pools { get; }

    /// <summary>The same scenario with request shapes for Odoo <paramref name="version"/> (read from the server at start); pools stay shared.</summary>
    public Scenario ForVersion(int version) => version == OdooVersion ? this : Compile(File, Source, _overrides, version, Pools);

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
    public static Scenario Compile(ScenarioFile file, string source, IReadOnlyDictionary<string, string>? parameterOverrides = null, int? odooVersion = null,
        Pools? pools = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var version = odooVersion ?? file.OdooVersion;
        pools ??= new Pools();
        var parameters = new Dictionary<string, Func<Random, TemplateValue>>(StringComparer.Ordinal);
        foreach (var (name, value) in file.Parameters ?? [])
        {
            if (!Template.IsName(name) || BuiltIns.Contains(name))
            {
                throw new ScenarioException($"{source}: parameter '{name}' must be letters, digits and '_' and not one of {string.Join(", ", BuiltIns)}");
            }

            parameters[name] = Picker(source, name, value, pools);
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

            steps.Add(CompileStep(source, version, name, step, parameters));
        }

        var seed = new List<CompiledStep>();
        foreach (var (entry, i) in (file.Seed ?? []).Select((e, i) => (e, i)))
        {
            var name = entry.Name ?? $"seed {i + 1}";
            if (entry.Times < 0)
            {
                throw new ScenarioException($"{source}: seed '{name}' needs times >= 0");
            }

            seed.Add(CompileStep(source, version, name, entry, parameters));
        }

        var background = new List<CompiledBackground>();
        foreach (var loop in file.Background ?? [])
        {
            var name = loop.Name ?? "background";
            if (loop.Users < 1)
            {
                throw new ScenarioException($"{source}: background '{name}' needs at least 1 user");
            }

            var step = new CompiledStep(name, 1, CompileRequests(source, version, name, loop.Request, loop.Requests, parameters, []));
            background.Add(new CompiledBackground(name, loop.Users, ThinkTime.Parse(loop.ThinkTime, ThinkTime.None), step, loop.SimulatorOnly));
        }

        if (file.Sessions < 1)
        {
            throw new ScenarioException($"{source}: sessions must be at least 1");
        }

        return new Scenario(file, source, steps, background, parameters, seed, version, parameterOverrides, pools);
    }

    private static CompiledStep CompileStep(string source, int version, string name, StepSpec step, Dictionary<string, Func<Random, TemplateValue>> parameters)
    {
        var take = (step.Take ?? []).Select(t => (Name: t.Key, Pool: t.Value)).ToList();
        foreach (var (value, pool) in take)
        {
            if (!Template.IsName(value) || BuiltIns.Contains(value) || string.IsNullOrWhiteSpace(pool))
            {
                throw new ScenarioException($"{source}: step '{name}': take needs a value name (letters, digits, '_') and a pool: '{value}': '{pool}'");
            }
        }

        var requests = CompileRequests(source, version, name, step.Request, step.Requests, parameters, take.Select(t => t.Name));
        var known = new HashSet<string>(parameters.Keys.Concat(take.Select(t => t.Name)).Concat(requests.SelectMany(r => r.Captures.Select(c => c.Name))), StringComparer.Ordinal);
        var put = (step.Put ?? []).Select(p => (Pool: p.Key, Name: p.Value)).ToList();
        foreach (var (pool, value) in put)
        {
            if (!known.Contains(value))
            {
                throw new ScenarioException($"{source}: step '{name}' puts '{value}' into pool '{pool}', but no parameter, take or capture of the step is called so");
            }
        }

        return new CompiledStep(name, step.Weight, requests) { Take = take, Put = put, Times = step.Times };
    }

    private static List<CompiledRequest> CompileRequests(string source, int version, string step, RequestSpec? single, List<RequestSpec>? many,
        Dictionary<string, Func<Random, TemplateValue>> parameters, IEnumerable<string> taken)
    {
        var specs = new List<RequestSpec>();
        if (single is not null) specs.Add(single);
        if (many is not null) specs.AddRange(many);
        if (specs.Count == 0)
        {
            throw new ScenarioException($"{source}: step '{step}' has no request");
        }

        // A step's values: parameters, taken pool items, and what earlier requests of the step captured.
        var known = new HashSet<string>(taken, StringComparer.Ordinal);
        var compiled = specs.Select(spec => CompileRequest(source, version, step, spec)).ToList();
        foreach (var request in compiled)
        {
            var names = request.Path.Names.Concat(request.Body?.Names ?? []).Concat(request.Headers.SelectMany(h => h.Value.Names));
            foreach (var name in names)
            {
                if (!BuiltIns.Contains(name) && !parameters.ContainsKey(name) && !known.Contains(name))
                {
                    throw new ScenarioException($"{source}: step '{step}' uses '{{{{{name}}}}}', which is neither a parameter, a take, a capture of an earlier request, nor one of {string.Join(", ", BuiltIns)}");
                }
            }

            foreach (var (name, _) in request.Captures)
            {
                known.Add(name);
            }
        }

        return compiled;
    }

    private static CompiledRequest CompileRequest(string source, int version, string step, RequestSpec spec)
    {
        if (spec.Variants?.GetValueOrDefault(version.ToString(CultureInfo.InvariantCulture)) is { } variant)
        {
            spec = variant;
        }

        var captures = new List<(string, CapturePath)>();
        foreach (var (name, path) in spec.Capture ?? [])
        {
            if (!Template.IsName(name) || BuiltIns.Contains(name))
            {
                throw new ScenarioException($"{source}: step '{step}': capture name '{name}' must be letters, digits and '_' and not one of {string.Join(", ", BuiltIns)}");
            }

            try
            {
                captures.Add((name, CapturePath.Parse(path)));
            }
            catch (FormatException e)
            {
                throw new ScenarioException($"{source}: step '{step}': {e.Message}");
            }
        }

        return CompileShape(source, version, step, spec) with { Captures = captures };
    }

    private static CompiledRequest CompileShape(string source, int version, string step, RequestSpec spec)
    {
        var headers = (spec.Headers ?? []).Select(h => (h.Key, Template.Compile(h.Value, TemplateContext.Raw))).ToList();
        var shapes = new object?[] { spec.CallKw, spec.CallButton, spec.ExecuteKw, spec.Onchange, spec.Get, spec.Path }.Count(s => s is not null);
        if (shapes != 1)
        {
            throw new ScenarioException($"{source}: step '{step}': a request needs exactly one of callKw, callButton, executeKw, onchange, get, path");
        }

        var rpcId = JsonValue.Create("{{rpc_id}}");
        if (spec.Onchange is { } onchange)
        {
            Require(source, step, new RpcSpec { Model = onchange.Model, Method = "onchange" });
            var args = OdooRequests.OnchangeArgs(Clone(onchange.Values) ?? [], Clone(onchange.Spec) ?? [], version);
            var body = OdooRequests.JsonRpcEnvelope(OdooRequests.CallParams(onchange.Model, "onchange", args, Clone(onchange.Kwargs)), rpcId);
            return JsonRequest("POST", OdooRequests.CallKwPath(onchange.Model, "onchange"), body, headers);
        }

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
            return JsonRequest("POST", OdooRequests.CallButtonPath(button.Model, button.Method, version), body, headers);
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

    private static Func<Random, TemplateValue> Picker(string source, string name, JsonElement value, Pools pools)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.TryGetProperty("pool", out var pool) && pool.ValueKind == JsonValueKind.String:
                var poolName = pool.GetString()!;
                return random => pools.Pick(poolName, random);
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
                throw new ScenarioException($"{source}: parameter '{name}' must be a value, a non-empty array, {{\"from\": N, \"to\": M}} or {{\"pool\": \"name\"}}");
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
