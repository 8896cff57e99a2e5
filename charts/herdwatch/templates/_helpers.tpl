{{/* Chart name, truncated for label values. */}}
{{- define "herdwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified release name. */}}
{{- define "herdwatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: <fullname>-<component>. Call with (list $ "operator"). */}}
{{- define "herdwatch.component" -}}
{{- $ := index . 0 -}}
{{- printf "%s-%s" (include "herdwatch.fullname" $) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "herdwatch.selectorLabels" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ include "herdwatch.name" $ }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "herdwatch.labels" -}}
{{- $ := index . 0 -}}
{{ include "herdwatch.selectorLabels" . }}
app.kubernetes.io/part-of: herdwatch
app.kubernetes.io/version: {{ $.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" $.Chart.Name $.Chart.Version | replace "+" "_" }}
{{- with $.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "herdwatch.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "herdwatch.serviceAccountName" -}}
{{- $ := index . 0 -}}
{{- if $.Values.serviceAccount.create -}}
{{- include "herdwatch.component" . -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{/* The restricted Pod Security Standard, for every pod. */}}
{{- define "herdwatch.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "herdwatch.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Kafka connection as environment; credentials come from an existing Secret. */}}
{{- define "herdwatch.kafkaEnv" -}}
- name: HERDWATCH_KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: HERDWATCH_EVENTS_TOPIC
  value: {{ .Values.kafka.topics.events | quote }}
- name: HERDWATCH_ALERTS_TOPIC
  value: {{ .Values.kafka.topics.alerts | quote }}
- name: HERDWATCH_TRENDS_TOPIC
  value: {{ .Values.kafka.topics.trends | quote }}
{{- if .Values.kafka.tls }}
- name: HERDWATCH_KAFKA_SSL
  value: "true"
{{- end }}
{{- if .Values.kafka.sasl.mechanism }}
- name: HERDWATCH_KAFKA_SASL_MECHANISM
  value: {{ .Values.kafka.sasl.mechanism | quote }}
- name: HERDWATCH_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.existingSecret is required when kafka.sasl.mechanism is set" .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.usernameKey }}
- name: HERDWATCH_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
{{- end -}}

{{- define "herdwatch.mongoEnv" -}}
{{- if .Values.mongodb.existingSecret }}
- name: HERDWATCH_MONGODB_URI
  valueFrom:
    secretKeyRef:
      name: {{ .Values.mongodb.existingSecret }}
      key: {{ .Values.mongodb.uriKey }}
- name: HERDWATCH_MONGODB_DB
  value: {{ .Values.mongodb.database | quote }}
{{- end }}
{{- end -}}

{{/* Probes on the component's http port. */}}
{{- define "herdwatch.probes" -}}
readinessProbe:
  httpGet: {path: /readyz, port: http}
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 3
livenessProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 6
{{- end -}}

{{/* Where notification links point: notifier.uiUrl, else the API Service inside the cluster. */}}
{{- define "herdwatch.uiUrl" -}}
{{- if .Values.notifier.uiUrl -}}
{{- .Values.notifier.uiUrl | trimSuffix "/" -}}
{{- else -}}
{{- printf "http://%s.%s.svc:%v" (include "herdwatch.component" (list . "api")) .Release.Namespace .Values.api.service.port -}}
{{- end -}}
{{- end -}}
