{{/*
An object with `helm.sh/resource-policy` set to the release's resourcePolicy (when it has one), so
Helm keeps it when the release is uninstalled or stops rendering it.
*/}}
{{- define "manifests.object" -}}
{{- $object := deepCopy .object -}}
{{- if .policy -}}
{{- $metadata := get $object "metadata" | default dict -}}
{{- $annotations := get $metadata "annotations" | default dict -}}
{{- $_ := set $annotations "helm.sh/resource-policy" .policy -}}
{{- $_ := set $metadata "annotations" $annotations -}}
{{- $_ := set $object "metadata" $metadata -}}
{{- end -}}
{{ toYaml $object }}
{{- end -}}
