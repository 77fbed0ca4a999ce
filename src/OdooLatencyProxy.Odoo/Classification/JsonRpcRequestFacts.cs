namespace OdooLatencyProxy.Odoo.Classification;

/// <summary>The fields of a JSON-RPC request that name it.</summary>
internal struct JsonRpcRequestFacts
{
    public FieldRef Model;
    public FieldRef Method;
    public FieldRef Service;
    public FieldRef ActionId;
    public FieldRef Arg3;
    public FieldRef Arg4;

    // The record a button runs on: params.args[0][0] (call_button's ids), or params.args[0] when it is a number.
    public FieldRef FirstId;
}
