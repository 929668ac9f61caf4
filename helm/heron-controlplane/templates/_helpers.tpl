{{/* Chart name, truncated to the 63 characters Kubernetes names allow. */}}
{{- define "heron-controlplane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: release-chart unless the release name already contains the chart name. */}}
{{- define "heron-controlplane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "heron-controlplane.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "heron-controlplane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "heron-controlplane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "heron-controlplane.labels" -}}
helm.sh/chart: {{ include "heron-controlplane.chart" . }}
{{ include "heron-controlplane.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The Secret the container reads its environment from. */}}
{{- define "heron-controlplane.secretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- include "heron-controlplane.fullname" . }}
{{- end }}
{{- end }}

{{/* The claim of the package store. */}}
{{- define "heron-controlplane.claimName" -}}
{{- if .Values.persistence.existingClaim }}
{{- .Values.persistence.existingClaim }}
{{- else }}
{{- printf "%s-packages" (include "heron-controlplane.fullname" .) }}
{{- end }}
{{- end }}

{{/* The service account the pods run as (its annotations may grant the package bucket, e.g. IRSA). */}}
{{- define "heron-controlplane.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "heron-controlplane.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
