{{/* Name of the chart, or nameOverride. */}}
{{- define "slipway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: fullnameOverride, else <release>-<name> (just <release> when it contains the name). */}}
{{- define "slipway.fullname" -}}
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

{{- define "slipway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object (Kubernetes recommended labels). */}}
{{- define "slipway.labels" -}}
helm.sh/chart: {{ include "slipway.chart" . }}
{{ include "slipway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of every object of this release. */}}
{{- define "slipway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slipway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
  Labels selecting the server's pods only: the Deployment, the Services and the PDB use them,
  so the migration Job's pod (component `migrate`) is never a Service endpoint or counted by
  the PodDisruptionBudget.
*/}}
{{- define "slipway.serverSelectorLabels" -}}
{{ include "slipway.selectorLabels" . }}
app.kubernetes.io/component: server
{{- end }}

{{/*
  Name of the cluster-scoped RBAC objects: the release's name plus its namespace, so the same
  release name installed in two namespaces does not claim one ClusterRole.
*/}}
{{- define "slipway.clusterRoleName" -}}
{{- printf "%s-%s" (include "slipway.fullname" .) .Release.Namespace | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "slipway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "slipway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "slipway.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the chart creates (database URL, secret key, admin password). */}}
{{- define "slipway.secretName" -}}
{{- include "slipway.fullname" . }}
{{- end }}

{{/* True (non-empty) when the chart's own Secret has any key to hold. */}}
{{- define "slipway.createSecret" -}}
{{- if or .Values.database.url (not .Values.secretKey.existingSecret) (not .Values.admin.existingSecret) }}true{{ end }}
{{- end }}

{{/* Fails the render when no database is given: names the values to set. */}}
{{- define "slipway.requireDatabase" -}}
{{- if and (not .Values.database.url) (not .Values.database.existingSecret) }}
{{- fail "database.url or database.existingSecret is required: set database.url=postgresql://user:password@host:5432/db, or database.existingSecret (and database.existingSecretKey) to a Secret holding the URL" }}
{{- end }}
{{- if and .Values.database.url .Values.database.existingSecret }}
{{- fail "database.url and database.existingSecret are both set: set only one" }}
{{- end }}
{{- end }}

{{/* The DATABASE_URL environment variable (from the chart's or an existing Secret). */}}
{{- define "slipway.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .Values.database.existingSecret }}
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretKey }}
      {{- else }}
      name: {{ include "slipway.secretName" . }}
      key: database-url
      {{- end }}
{{- end }}

{{/* SLIPWAY_PUBLIC_URL: config.publicUrl, else https://<first host> of an Ingress with TLS. */}}
{{- define "slipway.publicUrl" -}}
{{- if .Values.config.publicUrl }}
{{- .Values.config.publicUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.tls .Values.ingress.hosts }}
{{- printf "https://%s" (first .Values.ingress.hosts).host }}
{{- end }}
{{- end }}

{{/* SLIPWAY_JOB_API_URL: config.jobApiUrl, else the in-cluster Service (pipeline Jobs' restore/upload steps call it). */}}
{{- define "slipway.jobApiUrl" -}}
{{- if .Values.config.jobApiUrl }}
{{- .Values.config.jobApiUrl }}
{{- else }}
{{- printf "http://%s.%s.svc:%v" (include "slipway.fullname" .) .Release.Namespace .Values.service.port }}
{{- end }}
{{- end }}

{{/* Pod-level settings shared by the server and the migration Job. */}}
{{- define "slipway.podScheduling" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
