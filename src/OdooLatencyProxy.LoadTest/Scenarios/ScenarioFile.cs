using System.Text.Json;

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
