using System.Text.Json;
using System.Text.Json.Serialization;

namespace OdooLatencyProxy.Collector;

/// <summary>
/// The collector's JSON, generated at build time (camelCase, like the rest of the API) so it needs no reflection and
/// works in the native AOT build: the <c>/api/db/*</c> documents and the state file's entries.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CollectorStatusDocument))]
[JsonSerializable(typeof(CollectorActivityDocument))]
[JsonSerializable(typeof(CollectorStatementsDocument))]
[JsonSerializable(typeof(SeenSetState))]
[JsonSerializable(typeof(Dictionary<int, CronFailureState>))]
[JsonSerializable(typeof(Dictionary<string, DateTime>))]
internal sealed partial class CollectorJson : JsonSerializerContext;
