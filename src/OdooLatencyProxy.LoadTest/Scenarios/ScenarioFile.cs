using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OdooLatencyProxy.LoadTest.Scenarios;

/// <summary>A scenario file as written (JSON): login, load model, parameters, weighted steps, background loops, thresholds.</summary>
internal sealed record ScenarioFile
{
    /// <summary>Short name shown in reports, e.g. <c>sales-day</c>.</summary>
    public string? Name { get; init; }

    /// <summary>What the scenario stands for.</summary>
    public string? Description { get; init; }

    /// <summary>Odoo major version the request shapes follow (call_button moved into the URL in 18). Default 17.</summary>
    public int OdooVersion { get; init; } = 17;

    /// <summary>Login through <c>/web/session/authenticate</c>; null for anonymous traffic (webshop visitors).</summary>
    public LoginSpec? Login { get; init; }

    /// <summary>Open model: how many logged-in sessions arrivals share. Closed model: each user has its own. Default 4.</summary>
    public int Sessions { get; init; } = 4;

    /// <summary>Default load; the command line overrides it.</summary>
    public LoadSpec? Load { get; init; }

    /// <summary>Values a request can use as <c>{{name}}</c>: a JSON array to pick from, <c>{"from": 1, "to": 500}</c>, or <c>{"pool": "orders"}</c> (any id this run put there).</summary>
    public Dictionary<string, JsonElement>? Parameters { get; init; }

    /// <summary>The weighted mix: each arrival (open) or iteration (closed) runs one step picked by weight.</summary>
    public List<StepSpec>? Steps { get; init; }

    /// <summary>Loops that run beside the mix for the whole run, e.g. long queue jobs holding workers.</summary>
    public List<BackgroundSpec>? Background { get; init; }

    /// <summary>Runs once before the load starts (each entry <c>times</c> times): creates the records steps need and <c>put</c>s their ids into pools.</summary>
    public List<StepSpec>? Seed { get; init; }

    /// <summary>Login of the seed phase when the scenario itself is anonymous (webshop visitors); default the scenario's login.</summary>
    public LoginSpec? SeedLogin { get; init; }

    /// <summary>Pass/fail thresholds per operation (<c>*</c> for every operation), e.g. <c>["p95 &lt; 2s", "failure_rate &lt; 1%"]</c>.</summary>
    public Dictionary<string, List<string>>? Thresholds { get; init; }
}

/// <summary>The login step: database, user and password (or an environment variable holding it).</summary>
internal sealed record LoginSpec
{
    /// <summary>Odoo database name. Default <c>odoo</c>.</summary>
    public string Database { get; init; } = "odoo";

    /// <summary>User login. Default <c>admin</c>.</summary>
    [JsonPropertyName("login")]
    public string User { get; init; } = "admin";

    /// <summary>Password. Default <c>admin</c> (the simulator's).</summary>
    public string Password { get; init; } = "admin";
}

/// <summary>Load model defaults of a scenario.</summary>
internal sealed record LoadSpec
{
    /// <summary><c>open</c> (arrival rate) or <c>closed</c> (users with think time). Default open.</summary>
    public string Model { get; init; } = "open";

    /// <summary>Open model: constant arrivals per second.</summary>
    public double? Rate { get; init; }

    /// <summary>Open model: ramping arrival rate, k6 style: the rate moves linearly to each stage's target over its duration.</summary>
    public List<StageSpec>? Stages { get; init; }

    /// <summary>Open model: rate at the start of the first stage. Default 0.</summary>
    public double StartRate { get; init; }

    /// <summary>Closed model: concurrent users.</summary>
    public int? Users { get; init; }

    /// <summary>Closed model: pause between a user's steps, <c>2s</c> or a range <c>1s-3s</c>. Default 1s.</summary>
    public string? ThinkTime { get; init; }

    /// <summary>Run length, e.g. <c>60s</c>. Default 60s (or the sum of the stages).</summary>
    public string? Duration { get; init; }
}

/// <summary>One stage of a ramping arrival rate.</summary>
internal sealed record StageSpec
{
    /// <summary>How long the stage lasts, e.g. <c>30s</c>.</summary>
    public string Duration { get; init; } = "0s";

    /// <summary>Arrivals per second reached at the end of the stage.</summary>
    public double Target { get; init; }
}

/// <summary>A step of the mix: one or more requests sent in order, as one user action.</summary>
internal sealed record StepSpec
{
    /// <summary>Label of the step (reports name requests by operation, not by step).</summary>
    public string? Name { get; init; }

    /// <summary>Relative weight in the mix. Default 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Shorthand for a single request.</summary>
    public RequestSpec? Request { get; init; }

    /// <summary>Requests sent one after the other (each one waits for the previous answer).</summary>
    public List<RequestSpec>? Requests { get; init; }

    /// <summary>Before the first request: value name to pool, e.g. <c>{"order_id": "draft_orders"}</c>; the id is removed from the pool (used once). An empty pool skips the step.</summary>
    public Dictionary<string, string>? Take { get; init; }

    /// <summary>After every request succeeded: pool to value name, e.g. <c>{"confirmed_orders": "order_id"}</c>.</summary>
    public Dictionary<string, string>? Put { get; init; }

    /// <summary>Seed entries only: how many times to run it. Default 1.</summary>
    public int Times { get; init; } = 1;
}

/// <summary>A loop beside the mix: <see cref="Users"/> loops send its requests back to back for the whole run.</summary>
internal sealed record BackgroundSpec
{
    /// <summary>Label of the loop.</summary>
    public string? Name { get; init; }

    /// <summary>How many loops run at once (e.g. 2 long jobs holding 2 workers). Default 1.</summary>
    public int Users { get; init; } = 1;

    /// <summary>Pause between iterations. Default none.</summary>
    public string? ThinkTime { get; init; }

    /// <summary>Shorthand for a single request.</summary>
    public RequestSpec? Request { get; init; }

    /// <summary>Requests of one iteration.</summary>
    public List<RequestSpec>? Requests { get; init; }

    /// <summary>Runs only against the built-in simulator (it holds a worker for <c>X-Sim-Delay-Ms</c>; a real Odoo has no such job). Default false.</summary>
    public bool SimulatorOnly { get; init; }
}

/// <summary>One request, in one of the Odoo shapes or raw. Strings may hold <c>{{name}}</c> placeholders.</summary>
internal sealed record RequestSpec
{
    /// <summary>Web client ORM call: <c>POST /web/dataset/call_kw/&lt;model&gt;/&lt;method&gt;</c>.</summary>
    public RpcSpec? CallKw { get; init; }

    /// <summary>Web client button: <c>POST /web/dataset/call_button</c> (16/17 body, 18+ URL).</summary>
    public RpcSpec? CallButton { get; init; }

    /// <summary>External API <c>execute_kw</c> over XML-RPC (<c>transport: xmlrpc</c>, default) or <c>/jsonrpc</c>.</summary>
    public RpcSpec? ExecuteKw { get; init; }

    /// <summary>A page or asset load: <c>GET</c> of this path (query allowed).</summary>
    public string? Get { get; init; }

    /// <summary>Raw request: HTTP method. Default GET, or POST when a body is given.</summary>
    public string? Method { get; init; }

    /// <summary>Raw request: path and query.</summary>
    public string? Path { get; init; }

    /// <summary>Raw request: body, a JSON value (sent as JSON) or a string (sent as is).</summary>
    public JsonNode? Body { get; init; }

    /// <summary>Raw request: content type. Default <c>application/json</c> for a JSON body, else <c>text/plain</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>Extra request headers (e.g. <c>X-Sim-Delay-Ms</c> for the simulator; a real Odoo ignores them).</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>The web client's <c>onchange</c> for a new record, shaped for the server's version (16 or 17+).</summary>
    public OnchangeSpec? Onchange { get; init; }

    /// <summary>Values taken from the JSON answer for the next requests of the step: name to path, e.g. <c>{"order_id": "result[0].id"}</c>.</summary>
    public Dictionary<string, string>? Capture { get; init; }

    /// <summary>Replacements for other Odoo major versions, e.g. <c>{"16": { ... }}</c>: the server's version picks one, else this request.</summary>
    public Dictionary<string, RequestSpec>? Variants { get; init; }
}

/// <summary><c>onchange</c> of a new record: model, initial values and the fields specification (17's shape; 16's is derived).</summary>
internal sealed record OnchangeSpec
{
    /// <summary>Odoo model, e.g. <c>sale.order</c>.</summary>
    public string Model { get; init; } = "";

    /// <summary>Values of the record so far. Default <c>{}</c>.</summary>
    public JsonObject? Values { get; init; }

    /// <summary>Fields specification as 17+ take it: <c>{"partner_id": {}, "order_line": {"fields": {"product_id": {}}}}</c>.</summary>
    public JsonObject? Spec { get; init; }

    /// <summary>Keyword arguments. Default <c>{"context": {}}</c>.</summary>
    public JsonObject? Kwargs { get; init; }
}

/// <summary>An ORM call: model, method, positional and keyword arguments.</summary>
internal sealed record RpcSpec
{
    /// <summary>Odoo model, e.g. <c>sale.order</c>.</summary>
    public string Model { get; init; } = "";

    /// <summary>Model method, e.g. <c>action_confirm</c>.</summary>
    public string Method { get; init; } = "";

    /// <summary>Positional arguments. Default <c>[]</c>.</summary>
    public JsonArray? Args { get; init; }

    /// <summary>Keyword arguments. Default <c>{"context": {}}</c> (web client) or <c>{}</c> (API).</summary>
    public JsonObject? Kwargs { get; init; }

    /// <summary><c>execute_kw</c> only: <c>xmlrpc</c> (default) or <c>jsonrpc</c>.</summary>
    public string? Transport { get; init; }
}
