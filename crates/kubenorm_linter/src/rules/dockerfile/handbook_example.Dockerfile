# The handbook's own example Dockerfile: the block after "伪代码如下" in
# shared/seed/000_14a3277eeba8904a.txt with its HTML markup removed (the <h1>
# line was a commented-out line, "# RUN mv ...", in the original); lines keep
# their trailing spaces. Run with every Dockerfile rule on.
# expect: dockerfile-user-root, dockerfile-base-image-untrusted
FROM python:3.6.12-slim  
LABEL maintainer="mail.com"  
LABEL project="project-name"  

ENV MODULE_NAME="orangutan.server"  

# copy contents of project into docker  
COPY ./code/ /app/  

WORKDIR /app  

# expect: dockerfile-package-cache-kept
RUN pip install --upgrade pip \  
# expect: dockerfile-package-cache-kept
&& pip install poetry \  
&& poetry config virtualenvs.create false \  
&& poetry install  

COPY ./sources.list /etc/apt/  
# RUN mv /var/lib/dpkg/info /var/lib/dpkg/info_bak \
# expect: dockerfile-package-db-deleted
RUN rm -rf /var/lib/dpkg/info \  
#    && mkdir /var/lib/dpkg/info/ \  
&& mkdir -p /var/lib/dpkg/info \  
&& apt-get update \  
# expect: dockerfile-package-manager-in-final-stage, dockerfile-package-cache-kept
&& apt-get -f install \  
&& apt-get update \  
# expect: dockerfile-package-manager-in-final-stage, dockerfile-package-cache-kept
&& apt-get install -y dialog \  
# expect: dockerfile-package-manager-in-final-stage, dockerfile-package-cache-kept
&& apt-get install -y libreoffice xfonts-wqy \  
&& apt-get clean  

CMD ["uvicorn", "main:contract", "--host", "0.0.0.0", "--port", "80"]  
