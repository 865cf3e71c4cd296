{{- define "semcache.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "semcache.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "semcache.labels" -}}
{{ include "semcache.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "semcache.adminSecret" -}}
{{- if .Values.admin.existingSecret -}}
{{- .Values.admin.existingSecret -}}
{{- else if .Values.admin.adminToken -}}
{{- printf "%s-admin" (include "semcache.fullname" .) -}}
{{- else -}}
{{- fail "admin.existingSecret or admin.adminToken is required: without a token the HTTP port (probes, /metrics) listens on 127.0.0.1 only" -}}
{{- end -}}
{{- end -}}

{{- define "semcache.metricsTokenKey" -}}
{{- if .Values.serviceMonitor.tokenKey -}}
{{- .Values.serviceMonitor.tokenKey -}}
{{- else if .Values.admin.metricsToken -}}
METRICS_TOKEN
{{- else -}}
ADMIN_READ_TOKEN
{{- end -}}
{{- end -}}
