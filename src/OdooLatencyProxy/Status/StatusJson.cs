using System.Text.Json;
using System.Text.Json.Serialization;
using OdooLatencyProxy.Admission;

namespace OdooLatencyProxy.Status;

/// <summary>
/// How the admin listener's JSON API writes its documents (camelCase, as docs/api.md shows them): generated at build
/// time, so the API needs no reflection and works in the native AOT build.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusDocument))]
[JsonSerializable(typeof(OperationsDocument))]
[JsonSerializable(typeof(CostsDocument))]
[JsonSerializable(typeof(SaturationDocument))]
[JsonSerializable(typeof(InFlightDocument))]
[JsonSerializable(typeof(SlowRequestsDocument))]
[JsonSerializable(typeof(IEnumerable<MetricDocument>))]
[JsonSerializable(typeof(IReadOnlyList<WorkerPoolSnapshot>))]
[JsonSerializable(typeof(IEnumerable<ClusterDocument>))]
internal sealed partial class StatusJson : JsonSerializerContext;
