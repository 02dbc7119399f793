import type { RepositoryType } from './detect.ts';

// The built-in starter pipelines, one per repository type. Each is a workspace pipeline
// template (a pipeline spec with `inputs:`): importing a project publishes it into the
// workspace unless the workspace already has a template of that name, and the project's
// `ci` pipeline is then only `uses: <name>@<version>` plus `with:` values. The text is
// published byte for byte, so the comments are written for whoever opens it later.

export interface StarterTemplate {
  type: RepositoryType;
  /** The workspace template's name. */
  name: string;
  /** What people call this kind of repository. */
  label: string;
  description: string;
  text: string;
}

const HEADER = `# Built into Slipway and published into this workspace when a project was imported.
# Publish a new version to change it: a pipeline moves to a new version only when its
# \`uses:\` says so, and may replace any stage by listing one with the same name.`;

/** Every starter begins by naming the commit it builds, so a run's log starts with it. */
const CHECKOUT_STAGE = `  # Slipway fetches the commit into every job's workspace before the first step;
  # this stage only records what is being built.
  - name: checkout
    jobs:
      - name: source
        image: alpine/git:latest
        steps:
          - name: show-commit
            run: |
              echo "Building \${{ git.branch }} at \${{ git.sha }}"
              git log -1 --format='%H %an: %s'`;

const IMAGE_INPUTS = `  - name: image
    description: Image repository to push to, without a tag; change the default for the whole workspace
    default: registry.example.com/\${{ workspace.slug }}/\${{ project.slug }}
  - name: dockerfile
    description: The Dockerfile, relative to the repository root
    default: Dockerfile`;

const RELEASE_TYPES = `releaseTypes:
  full:
    description: Test, build and push an image`;

/** A build-image step: the image is tagged with the run number and the commit. */
const PUSH_STEP = `          - name: push
            buildImage:
              context: .
              dockerfile: \${{ inputs.dockerfile }}
              destination: \${{ inputs.image }}:\${{ run.number }}-\${{ git.shortSha }}`;

const NODE = `# Node.js service: install the dependencies, test, build, and push a container image.
${HEADER}
inputs:
  - name: nodeVersion
    description: Tag of the node image to build with, e.g. 24 or 22-alpine
    default: '24'
  - name: install
    description: Installs the dependencies exactly as the lockfile says
    default: npm ci
  - name: test
    description: Runs the tests
    default: npm test
  - name: build
    description: Builds the application before the image is built
    default: npm run build --if-present
${IMAGE_INPUTS}
${RELEASE_TYPES}
stages:
${CHECKOUT_STAGE}
  - name: test
    jobs:
      - name: unit
        image: node:\${{ inputs.nodeVersion }}
        timeout: 20m
        steps:
          - name: install
            run: \${{ inputs.install }}
          - name: test
            run: \${{ inputs.test }}
  - name: build
    jobs:
      - name: image
        image: node:\${{ inputs.nodeVersion }}
        timeout: 30m
        steps:
          - name: build
            run: \${{ inputs.install }} && \${{ inputs.build }}
${PUSH_STEP}
`;

const MAVEN = `# Java service built with Maven: test, package, and push a container image.
${HEADER}
inputs:
  - name: jdk
    description: Java version of the maven:3.9-eclipse-temurin image (8, 11, 17, 21 or 25)
    default: '21'
${IMAGE_INPUTS}
${RELEASE_TYPES}
stages:
${CHECKOUT_STAGE}
  - name: test
    jobs:
      - name: unit
        image: maven:3.9-eclipse-temurin-\${{ inputs.jdk }}
        timeout: 30m
        steps:
          - name: test
            run: mvn -B -ntp verify
  - name: build
    jobs:
      - name: image
        image: maven:3.9-eclipse-temurin-\${{ inputs.jdk }}
        timeout: 30m
        steps:
          # The tests ran in the previous stage.
          - name: package
            run: mvn -B -ntp -DskipTests package
${PUSH_STEP}
`;

const GRADLE = `# Java service built with Gradle: test, assemble, and push a container image.
${HEADER}
inputs:
  - name: jdk
    description: Java version of the gradle image (e.g. 17, 21)
    default: '21'
  - name: gradle
    description: How to call Gradle; ./gradlew uses the version the repository pins
    default: ./gradlew
${IMAGE_INPUTS}
${RELEASE_TYPES}
stages:
${CHECKOUT_STAGE}
  - name: test
    jobs:
      - name: unit
        image: gradle:jdk\${{ inputs.jdk }}
        timeout: 30m
        steps:
          - name: test
            run: \${{ inputs.gradle }} --no-daemon check
  - name: build
    jobs:
      - name: image
        image: gradle:jdk\${{ inputs.jdk }}
        timeout: 30m
        steps:
          - name: assemble
            run: \${{ inputs.gradle }} --no-daemon assemble
${PUSH_STEP}
`;

const GO = `# Go service: vet, test, build, and push a container image.
${HEADER}
inputs:
  - name: goVersion
    description: Tag of the golang image, e.g. 1.26
    default: '1.26'
${IMAGE_INPUTS}
${RELEASE_TYPES}
stages:
${CHECKOUT_STAGE}
  - name: test
    jobs:
      - name: unit
        image: golang:\${{ inputs.goVersion }}
        timeout: 20m
        steps:
          - name: vet
            run: go vet ./...
          - name: test
            run: go test ./...
  - name: build
    jobs:
      - name: image
        image: golang:\${{ inputs.goVersion }}
        timeout: 30m
        steps:
          # Fails early on a compile error; the Dockerfile builds the binary it ships.
          - name: compile
            run: CGO_ENABLED=0 go build ./...
${PUSH_STEP}
`;

const PYTHON = `# Python service: install, test with pytest, and push a container image.
${HEADER}
inputs:
  - name: pythonVersion
    description: Tag of the python image, e.g. 3.13 or 3.12-slim
    default: '3.13'
  - name: install
    description: Installs the project and its dependencies
    default: pip install -r requirements.txt
  - name: test
    description: Runs the tests
    default: pip install pytest && python -m pytest
${IMAGE_INPUTS}
${RELEASE_TYPES}
stages:
${CHECKOUT_STAGE}
  - name: test
    jobs:
      - name: unit
        image: python:\${{ inputs.pythonVersion }}
        timeout: 20m
        steps:
          - name: install
            run: \${{ inputs.install }}
          - name: test
            run: \${{ inputs.test }}
  - name: build
    jobs:
      - name: image
        image: python:\${{ inputs.pythonVersion }}
        timeout: 30m
        steps:
          # Fails early on a syntax error before an image is built.
          - name: compile
            run: python -m compileall -q .
${PUSH_STEP}
`;

const STATIC = `# Static site: check the links between its pages, and push an image that serves it.
${HEADER}
# The Dockerfile can be as small as:
#   FROM nginxinc/nginx-unprivileged:stable-alpine
#   COPY . /usr/share/nginx/html
inputs:
  - name: site
    description: The folder holding the site's pages, relative to the repository root
    default: .
${IMAGE_INPUTS}
${RELEASE_TYPES}
stages:
${CHECKOUT_STAGE}
  - name: test
    jobs:
      - name: links
        image: lycheeverse/lychee:latest
        timeout: 10m
        steps:
          # --offline: only links between the site's own files, no requests to the internet.
          - name: check-links
            run: lychee --offline --no-progress '\${{ inputs.site }}/**/*.html'
  - name: build
    jobs:
      - name: image
        steps:
${PUSH_STEP}
`;

export const STARTER_TEMPLATES: Readonly<Record<RepositoryType, StarterTemplate>> = {
  node: {
    type: 'node',
    name: 'node-service',
    label: 'Node.js',
    description: 'Starter for Node.js repositories: install, test, build, push an image',
    text: NODE,
  },
  maven: {
    type: 'maven',
    name: 'maven-service',
    label: 'Java (Maven)',
    description: 'Starter for Maven repositories: verify, package, push an image',
    text: MAVEN,
  },
  gradle: {
    type: 'gradle',
    name: 'gradle-service',
    label: 'Java (Gradle)',
    description: 'Starter for Gradle repositories: check, assemble, push an image',
    text: GRADLE,
  },
  go: {
    type: 'go',
    name: 'go-service',
    label: 'Go',
    description: 'Starter for Go modules: vet, test, build, push an image',
    text: GO,
  },
  python: {
    type: 'python',
    name: 'python-service',
    label: 'Python',
    description: 'Starter for Python repositories: install, pytest, push an image',
    text: PYTHON,
  },
  static: {
    type: 'static',
    name: 'static-site',
    label: 'static site',
    description: 'Starter for static sites: check links, push an image that serves the pages',
    text: STATIC,
  },
};
