using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OdooSimulator.Routing;

/// <summary>
/// Plausible results of model methods, shaped like the captures (web_read: list of dicts with many2one
/// as {"id", "display_name"}; web_search_read: {"length", "records"}; buttons: false or an action).
/// Every model has 25 records (ids 1..25); ids of 999999 and above do not exist, like the capture's missing record.
/// </summary>
internal sealed class OdooResults
{
    public const int RecordsPerModel = 25;
    public const long FirstMissingId = 999999;
    private const string Timestamp = "2026-11-26 20:26:11";

    private long _nextId = 1000;

    /// <summary>Result of a model method called through call_kw, /jsonrpc execute_kw, XML-RPC or JSON-2.</summary>
    public JsonNode? CallKw(RpcCall call)
    {
        var (model, method, args, kwargs) = (call.Model, call.Method, call.Args, call.Kwargs);
        switch (method)
        {
            case "web_read":
                return WebRecords(model, Ids(Arg(args, kwargs, 0, "ids")), kwargs["specification"] as JsonObject);
            case "read":
                return Records(model, Ids(Arg(args, kwargs, 0, "ids")), Fields(Arg(args, kwargs, 1, "fields")));
            case "web_search_read":
            {
                var (offset, limit) = Window(kwargs, 80);
                var ids = Range(offset, limit);
                return new JsonObject { ["length"] = RecordsPerModel, ["records"] = WebRecords(model, ids, kwargs["specification"] as JsonObject) };
            }

            case "search_read":
            {
                var (offset, limit) = Window(kwargs, RecordsPerModel);
                return Records(model, Range(offset, limit), Fields(Arg(args, kwargs, 1, "fields")));
            }

            case "search":
            {
                var (offset, limit) = Window(kwargs, RecordsPerModel);
                return new JsonArray([.. Range(offset, limit).Select(id => (JsonNode)id)]);
            }

            case "search_count":
                return RecordsPerModel;
            case "name_search":
            {
                var (_, limit) = Window(kwargs, 8);
                return new JsonArray([.. Range(0, Math.Min(limit, 5)).Select(id => (JsonNode)new JsonArray(id, DisplayName(model, id)))]);
            }

            case "web_save":
            {
                var existing = Ids(Arg(args, kwargs, 0, "ids"));
                var id = existing.Count > 0 ? existing[0] : Interlocked.Increment(ref _nextId);
                return WebRecords(model, [id], kwargs["specification"] as JsonObject ?? []);
            }

            case "create":
            {
                var vals = Arg(args, kwargs, 0, "vals_list");
                if (vals is JsonArray list)
                {
                    return new JsonArray([.. list.Select(_ => (JsonNode)Interlocked.Increment(ref _nextId))]);
                }

                return Interlocked.Increment(ref _nextId);
            }

            case "name_create":
            {
                var id = Interlocked.Increment(ref _nextId);
                return new JsonArray(id, Arg(args, kwargs, 0, "name")?.DeepClone() ?? DisplayName(model, id));
            }

            case "write" or "unlink" or "has_group" or "check_access_rights" or "action_archive" or "action_unarchive":
                return true;
            case "onchange":
                return new JsonObject { ["value"] = new JsonObject() };
            case "default_get":
                return new JsonObject();
            case "fields_get":
                return new JsonObject
                {
                    ["display_name"] = new JsonObject { ["type"] = "char", ["string"] = "Display Name" },
                    ["name"] = new JsonObject { ["type"] = "char", ["string"] = "Name" },
                    ["state"] = new JsonObject { ["type"] = "selection", ["string"] = "Status" },
                };
            case "get_views":
                return new JsonObject { ["views"] = new JsonObject(), ["models"] = new JsonObject { [model] = new JsonObject() } };
            case "web_read_group":
                return new JsonObject { ["groups"] = new JsonArray(), ["length"] = 0 };
            case "read_group" or "systray_get_activities":
                return new JsonArray();
            case "create_invoices":
                return InvoiceAction();
            default:
                // Button methods (action_confirm, action_post, button_validate...) return True when called
                // directly; other methods without a return value give None.
                return method.StartsWith("action_", StringComparison.Ordinal) || method.StartsWith("button_", StringComparison.Ordinal)
                    ? true
                    : null;
        }
    }

    /// <summary>Result of <c>/web/dataset/call_button</c>: the method's action dict, else <c>false</c> (Odoo's clean_action).</summary>
    public JsonNode? CallButton(RpcCall call) => CallKw(call) is JsonObject action && action["type"] is not null ? action : false;

    private static JsonObject InvoiceAction() => new()
    {
        ["type"] = "ir.actions.act_window",
        ["name"] = "Invoices",
        ["res_model"] = "account.move",
        ["view_mode"] = "form",
        ["views"] = new JsonArray(new JsonArray(false, "form")),
        ["res_id"] = 10,
        ["context"] = new JsonObject { ["default_move_type"] = "out_invoice" },
        ["target"] = "current",
    };

    private static JsonArray Records(string model, IReadOnlyList<long> ids, IReadOnlyCollection<string>? fields, JsonObject? spec = null)
    {
        var records = new JsonArray();
        foreach (var id in ids)
        {
            if (id >= FirstMissingId || id <= 0)
            {
                continue;
            }

            var record = new JsonObject { ["id"] = id };
            foreach (var field in fields ?? ["display_name", "name"])
            {
                if (field != "id")
                {
                    record[field] = FieldValue(model, id, field, spec?[field] as JsonObject, readStyle: spec is null);
                }
            }

            records.Add(record);
        }

        return records;
    }

    private static JsonArray WebRecords(string model, IReadOnlyList<long> ids, JsonObject? spec) =>
        Records(model, ids, spec?.Select(p => p.Key).ToList() ?? ["display_name"], spec ?? []);

    private static JsonNode? FieldValue(string model, long id, string field, JsonObject? subSpec, bool readStyle)
    {
        if (field is "name" or "display_name")
        {
            return DisplayName(model, id);
        }

        if (field == "state")
        {
            return "draft";
        }

        if (field.EndsWith("_ids", StringComparison.Ordinal))
        {
            return new JsonArray();
        }

        if (field.EndsWith("_id", StringComparison.Ordinal))
        {
            // read() gives [id, "name"]; web_read() gives 1, or {"id": 1} plus the asked sub-fields.
            if (readStyle)
            {
                return new JsonArray(1, "Record 1");
            }

            // web_read gives the bare id when the specification asks no sub-fields (Odoo 17's web_read), else a dict.
            if (subSpec?["fields"] is not JsonObject sub)
            {
                return 1;
            }

            var many2one = new JsonObject { ["id"] = 1 };
            if (sub.ContainsKey("display_name"))
            {
                many2one["display_name"] = "Record 1";
            }

            return many2one;
        }

        if (field.EndsWith("_count", StringComparison.Ordinal))
        {
            return 0;
        }

        if (field.StartsWith("date", StringComparison.Ordinal) || field.EndsWith("_date", StringComparison.Ordinal))
        {
            return Timestamp;
        }

        if (field.StartsWith("amount", StringComparison.Ordinal) || field.StartsWith("price", StringComparison.Ordinal) || field.Contains("qty", StringComparison.Ordinal))
        {
            return 0.0;
        }

        return field == "active" ? true : false;
    }

    private static string DisplayName(string model, long id) => model switch
    {
        "sale.order" => string.Create(CultureInfo.InvariantCulture, $"S{id:D5}"),
        "account.move" => string.Create(CultureInfo.InvariantCulture, $"INV/2026/{id:D5}"),
        "res.partner" => string.Create(CultureInfo.InvariantCulture, $"Partner {id}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{model} {id}"),
    };

    private static JsonNode? Arg(JsonArray args, JsonObject kwargs, int position, string name) =>
        position < args.Count ? args[position] : kwargs[name];

    private static List<long> Ids(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(ToId).Where(id => id is not null).Select(id => id!.Value)],
        JsonValue value when ToId(value) is { } id => [id],
        _ => [],
    };

    private static long? ToId(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var l) ? l : null;
        }

        return value.TryGetValue<long>(out var n) ? n : value.TryGetValue<int>(out var i) ? i : null;
    }

    private static List<string>? Fields(JsonNode? fields) =>
        fields is JsonArray list ? [.. list.Select(f => f?.GetValueKind() == JsonValueKind.String ? f.GetValue<string>() : null).OfType<string>()] : null;

    private static (int Offset, int Limit) Window(JsonObject kwargs, int defaultLimit)
    {
        var offset = (int)(ToId(kwargs["offset"]) ?? 0);
        var limit = (int)(ToId(kwargs["limit"]) ?? defaultLimit);
        return (Math.Max(0, offset), Math.Clamp(limit, 0, RecordsPerModel));
    }

    private static List<long> Range(int offset, int limit) =>
        [.. Enumerable.Range(offset + 1, Math.Max(0, Math.Min(limit, RecordsPerModel - offset))).Select(i => (long)i)];
}
