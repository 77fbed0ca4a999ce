using System.Text.Json;

namespace OdooLatencyProxy.Status;

/// <summary>How the admin listener's JSON API writes its documents (camelCase, as docs/api.md shows them).</summary>
internal static class StatusJson
{
    /// <summary>The API's serializer options, shared so every endpoint spells fields the same way.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>A JSON result written with <see cref="Options"/>.</summary>
    public static IResult Result(object value) => Results.Json(value, Options);
}
