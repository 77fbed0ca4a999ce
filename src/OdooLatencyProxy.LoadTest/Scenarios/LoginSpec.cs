using System.Text.Json.Serialization;

namespace OdooLatencyProxy.LoadTest.Scenarios;

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
